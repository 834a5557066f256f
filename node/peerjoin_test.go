package node_test

import (
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/seal"
)

// joinSeen records the (space, peer) pairs OnPeerJoin reported.
type joinSeen struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (j *joinSeen) add(space string, p peer.ID) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seen[space+" "+p.String()] = true
}

func (j *joinSeen) has(space string, p peer.ID) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seen[space+" "+p.String()]
}

func (j *joinSeen) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.seen)
}

// TestGossipPeerJoin: gossip reports each member that joins a space's
// topic, on both sides, so the node can pull from it; a connected peer that
// is not on the topic is not reported.
func TestGossipPeerJoin(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	exchange(t, a, b, sp)
	start := func(n *node.Node) (*joinSeen, host.Host) {
		h := gossipHost(t, node.IdentityOf(n))
		seen := &joinSeen{seen: map[string]bool{}}
		g, err := n.Gossip(ctx, h, gossip.Options{OnPeerJoin: seen.add})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		return seen, h
	}
	seenA, ha := start(a)
	seenB, hb := start(b)
	other := gossipHost(t, must[*seal.Identity](t)(seal.NewIdentity())) // on no topic
	gossipConnect(t, ha, other, hb)
	gossipEventually(t, "each member told of the other joining the topic", func() bool {
		return seenA.has(sp.ID, hb.ID()) && seenB.has(sp.ID, ha.ID())
	})
	if seenA.count() != 1 || seenB.count() != 1 {
		t.Fatalf("joins reported beyond the one member: a %v, b %v", seenA.seen, seenB.seen)
	}
}
