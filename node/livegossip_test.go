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
	// Changes keep coming; each must arrive without a timed pull: the
	// first ones may go out before the gossip mesh has formed, and may
	// reach b by the pulls made as the peers connect and join the topic.
	// Those are done by the time one has arrived: the next comes by gossip
	// alone.
	eventually(t, "a change of a reaches b", func() error { return gossiped(t, a, b, sp) })
	eventually(t, "the next change of a reaches b by gossip", func() error { return gossiped(t, a, b, sp) })
}

// gossiped records an entry on from, and another every 2 s while none has
// reached to (one published before the gossip mesh formed reaches no one),
// until one is at to or a minute has passed. The nodes' timed pulls are an
// hour apart (serveQuiet), so what arrives came by gossip.
func gossiped(t *testing.T, from, to *node.Node, sp node.Space) error {
	ctx := t.Context()
	var ids []string
	var next time.Time
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(next) {
			id := must[string](t)(from.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
			ids, next = append(ids, id), time.Now().Add(2*time.Second)
		}
		if slices.ContainsFunc(ids, func(id string) bool { return has(ctx, to, sp, id) }) {
			return nil
		}
	}
	return fmt.Errorf("none of the %d entries %v at %s within a minute", len(ids), ids, to.PeerID())
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
