package node

import (
	"context"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/store"
)

// GossipStats returns the counters of n's running gossip, for tests that
// check what a flood cost.
func GossipStats(n *Node) gossip.Stats {
	s, err := n.running()
	if err != nil {
		return gossip.Stats{}
	}
	return s.gossip.Stats()
}

// GossipScore is the application score n's gossip gives p.
func GossipScore(n *Node, p peer.ID) float64 {
	s, err := n.running()
	if err != nil {
		return 0
	}
	return s.gossip.Score(p)
}

// Equivocations counts the proofs of equivocation n stores for doc.
func Equivocations(n *Node, doc string) int {
	var count int
	_ = n.db.View(context.Background(), func(tx *store.Tx) error {
		evs, err := tx.Equivocations(doc)
		count = len(evs)
		return err
	})
	return count
}

// PullFrom pulls once from the connected peer p, as the node's own timer
// would, and returns the pull's error.
func PullFrom(ctx context.Context, n *Node, p peer.ID) error {
	s, err := n.running()
	if err != nil {
		return err
	}
	return s.pullFrom(ctx, p, func() {})
}
