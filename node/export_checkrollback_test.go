package node

import "testing"

// FailCommits makes every transaction of n's update, and of its
// background check of new documents, fail before its commit with what
// fault returns (nil lets it commit), as a store's failing commit would,
// until the test ends or the returned function is called.
func FailCommits(t testing.TB, n *Node, fault func() error) (stop func()) {
	f := func(m *Node) error {
		if m == n {
			return fault()
		}
		return nil
	}
	commitFault.Store(&f)
	stop = func() { commitFault.Store(nil) }
	t.Cleanup(stop)
	return stop
}

// CheckPoll is the network checker's pause after a pass that succeeds.
const CheckPoll = checkPoll
