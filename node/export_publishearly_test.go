package node

import (
	"context"

	"github.com/weftsync/weft/store"
)

// SetEarlyOff turns publishing before the commit (decision 0045) off
// (true) or on, to measure it against decision 0032's publish after the
// commit.
func SetEarlyOff(off bool) { earlyOff.Store(off) }

// SetBeforeCommit sets a hook that n's local edits run after publishing
// their changes and before committing (nil removes it). The hook returns
// nil to let the commit go on, an error to fail it as a failing commit
// would, or ErrCrashBeforeCommit to stop as a crash there would: the
// transaction rolled back and nothing after it run, the lease not
// abandoned; the test then calls Crash.
func SetBeforeCommit(n *Node, hook func() error) {
	if hook == nil {
		if _, ok := beforeCommitHooks.LoadAndDelete(n); ok {
			hooked.Add(-1)
		}
		return
	}
	if _, loaded := beforeCommitHooks.Swap(n, hook); !loaded {
		hooked.Add(1)
	}
}

// ErrCrashBeforeCommit is what a SetBeforeCommit hook returns to stop as
// a crash between the publish and the commit.
var ErrCrashBeforeCommit = errBeforeCommit

// PublishedEarly reports the count of local changes n's edits published
// before their commits since the network started.
func PublishedEarly(n *Node) int64 {
	s, err := n.running()
	if err != nil || s.fresh == nil {
		return 0
	}
	return s.fresh.early.Load()
}

// LeaseOf returns n's current actor lease for doc (nil when none).
func LeaseOf(n *Node, doc string) []byte {
	var actor []byte
	_ = n.db.View(context.Background(), func(tx *store.Tx) error {
		a, ok, err := tx.Lease(doc)
		if ok {
			actor = a
		}
		return err
	})
	return actor
}

// Poison marks doc's lease as one to abandon before its next edit, as a
// failed transaction whose abandon failed too leaves it.
func Poison(n *Node, doc string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notePoisoned(map[string]bool{doc: true})
}
