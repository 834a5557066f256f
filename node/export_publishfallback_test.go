package node

import (
	"context"
	"testing"

	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// HoldPublisher takes n's publisher lock, as a publisher busy publishing
// holds it, and returns what releases it; nil when n does not serve.
func HoldPublisher(n *Node) func() {
	s, err := n.running()
	if err != nil || s.fresh == nil {
		return nil
	}
	s.fresh.pub.Lock()
	return s.fresh.pub.Unlock
}

// SetBeforeRefresh sets a hook the publisher goroutines run before each
// refresh of their gossip topics (nil removes it).
func SetBeforeRefresh(hook func(*Node)) {
	if hook == nil {
		beforeRefresh.Store(nil)
		return
	}
	beforeRefresh.Store(&hook)
}

// TopicsUpToDate reports whether n's gossip topic of space was last
// refreshed at the roster version n's store holds now.
func TopicsUpToDate(ctx context.Context, n *Node, space string) (bool, error) {
	s, err := n.running()
	if err != nil {
		return false, err
	}
	var v [32]byte
	err = n.db.View(ctx, func(tx *store.Tx) error {
		e, err := n.rosters.get(tx, space)
		if err == nil {
			v = rosterVersion(e.v)
		}
		return err
	})
	if err != nil {
		return false, err
	}
	return s.gossip.UpToDate(space, v), nil
}

// SetWALAhead sets how much of the WAL a network started after it writes
// ahead, until t ends.
func SetWALAhead(t testing.TB, size int64) {
	old := walAhead
	walAhead = size
	t.Cleanup(func() { walAhead = old })
}

// GossipPublished counts the batches n's gossip published since the
// network started.
func GossipPublished(n *Node) uint64 {
	s, err := n.running()
	if err != nil || s.gossip == nil {
		return 0
	}
	return s.gossip.Stats().Published
}

// GossipAnnounced counts the announcements (heads of changes too large to
// gossip) n's gossip published since the network started.
func GossipAnnounced(n *Node) uint64 {
	s, err := n.running()
	if err != nil || s.gossip == nil {
		return 0
	}
	return s.gossip.Stats().Announced
}

// SetPrestoreOff turns publishing an edit's change before its insert
// (decision 0053) off (true) or on.
func SetPrestoreOff(off bool) { prestoreOff.Store(off) }

// StoreBehindEngine stores raw, a change of doc, in n's store alone: the
// engine's copy of doc does not get it, so the engine and the store
// disagree, as the seq check before an early publish guards against.
func StoreBehindEngine(ctx context.Context, n *Node, doc string, raw []byte) error {
	c, err := wire.ParseChange(raw)
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.AddChange(storeChange(doc, c))
		return err
	})
}
