package node_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestLiveChangesByGossip: with timed pulls an hour apart, a change made
// on one running node reaches the other through gossip, published as soon
// as it commits.
func TestLiveChangesByGossip(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, b, sp)
	servePair(t, a, b)
	// Changes keep coming; each must arrive without a pull: the first ones
	// may go out before the gossip mesh has formed, the later ones not.
	eventually(t, "a change of a reaches b by gossip", func() error { return gossiped(t, a, b, sp) })
}

// gossiped records an entry on from and fails unless it is at to within
// 2 s: well before a timed pull, so it came by gossip.
func gossiped(t *testing.T, from, to *node.Node, sp node.Space) error {
	ctx := t.Context()
	id := must[string](t)(from.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if has(ctx, to, sp, id) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("entry %s not at %s after 2s", id, to.PeerID())
}

func has(ctx context.Context, n *node.Node, sp node.Space, entry string) bool {
	ents, err := n.Entries(ctx, sp)
	return err == nil && slices.ContainsFunc(ents, func(e node.LedgerEntry) bool { return e.ID == entry })
}

// TestChangeRightAfterConnect: a change made the moment two nodes connect,
// before pubsub has learnt that the other is on the space's topic (so the
// publish skips it), still reaches the other node well before the next
// timed pull, an hour away: each side pulls from a peer as it joins the
// topic.
func TestChangeRightAfterConnect(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, b, sp)
	serveQuiet(t, a) // no timed pulls here
	serveQuiet(t, b, a.Addrs()...)
	var entry string
	for i := 0; entry == ""; i++ {
		if slices.Contains(a.ConnectedPeers(), b.PeerID()) {
			entry = must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
			break
		}
		if i == 4000 {
			t.Fatal("a and b not connected within 20s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	eventually(t, "the change made on connect reaches b", func() error {
		if !has(ctx, b, sp, entry) {
			return fmt.Errorf("entry %s not at b", entry)
		}
		return nil
	})
}
