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

// EquivocationSeqs returns the seq of each proof of equivocation n stores
// for doc, in the order stored.
func EquivocationSeqs(n *Node, doc string) []uint64 {
	var out []uint64
	_ = n.db.View(context.Background(), func(tx *store.Tx) error {
		evs, err := tx.Equivocations(doc)
		for _, ev := range evs {
			out = append(out, ev.Seq)
		}
		return err
	})
	return out
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

// Cuts returns the cuts n stores for doc.
func Cuts(n *Node, doc string) []store.Cut {
	var out []store.Cut
	_ = n.db.View(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.Cuts(doc)
		return err
	})
	return out
}

// StoredChangeHashes returns the hashes of every change n stores for doc,
// those its cuts leave out included.
func StoredChangeHashes(n *Node, doc string) [][32]byte {
	var out [][32]byte
	_ = n.db.View(context.Background(), func(tx *store.Tx) error {
		cs, err := tx.Changes(doc)
		for _, c := range cs {
			out = append(out, c.Hash)
		}
		if err != nil {
			return err
		}
		ex, err := tx.Excluded(doc)
		out = append(out, ex...)
		return err
	})
	return out
}

// Connect connects n's running host to the peer at addr.
func Connect(ctx context.Context, n *Node, addr string) error {
	s, err := n.running()
	if err != nil {
		return err
	}
	info, err := peer.AddrInfoFromString(addr)
	if err != nil {
		return err
	}
	return s.h.Connect(ctx, *info)
}
