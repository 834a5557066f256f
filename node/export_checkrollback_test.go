package node

import "testing"

// FailCommits makes every transaction of n's update fail with err before
// its commit, as a store's failing commit would, until the test ends or
// the returned function is called.
func FailCommits(t testing.TB, n *Node, err error) (stop func()) {
	f := func(m *Node) error {
		if m == n {
			return err
		}
		return nil
	}
	commitFault.Store(&f)
	stop = func() { commitFault.Store(nil) }
	t.Cleanup(stop)
	return stop
}
