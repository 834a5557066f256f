package node_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// stateOfPeer returns what n knows peer holds of space.
func stateOfPeer(t *testing.T, n *node.Node, peer, space string) node.PeerSpace {
	t.Helper()
	for _, p := range must[[]node.PeerInfo](t)(n.Peers(t.Context())) {
		if p.PeerID != peer {
			continue
		}
		for _, s := range p.State {
			if s.Space == space {
				return s
			}
		}
	}
	t.Fatalf("no state of %s in %s", peer, space)
	return node.PeerSpace{}
}

// changeTotal counts the changes n holds in space.
func changeTotal(t *testing.T, n *node.Node, space string) int {
	total := 0
	for _, hs := range changeSets(t, n, space) {
		total += len(hs)
	}
	return total
}

// TestPeerStateCounts: what a node says a peer holds and lacks follows
// what really happened: nothing known before an exchange, nothing pending
// after one, exactly the changes made since while they cannot talk, and
// nothing again once they can.
func TestPeerStateCounts(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, b, sp)
	if s := stateOfPeer(t, a, b.PeerID(), sp.ID); s.Known || !s.Pending() {
		t.Fatalf("before serving, a claims to know b's state: %+v", s)
	}
	serveQuiet(t, a) // no timed pulls here
	serveQuiet(t, b, a.Addrs()...)
	eventually(t, "nothing pending either way, as each knows", func() error {
		for _, pair := range [][2]*node.Node{{a, b}, {b, a}} {
			if err := pair[0].SyncNow(ctx); err != nil {
				return err
			}
			if s := stateOfPeer(t, pair[0], pair[1].PeerID(), sp.ID); s.Pending() {
				return fmt.Errorf("%+v", s)
			}
		}
		return nil
	})
	s := stateOfPeer(t, a, b.PeerID(), sp.ID)
	held := 0
	for _, d := range s.Docs {
		held += d.Changes
	}
	if want := changeTotal(t, a, sp.ID); held != want || !s.Acknowledged || s.At == nil {
		t.Fatalf("b said to hold %d changes, a and b hold %d: %+v", held, want, s)
	}

	t.Run("changes made while cut off are pending, exactly", func(t *testing.T) {
		for _, n := range []*node.Node{a, b} {
			other := map[*node.Node]string{a: b.PeerID(), b: a.PeerID()}[n]
			if err := node.SetPartition(n, func(p string) bool { return p == other }); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, "a and b apart", func() error {
			if slices.Contains(a.ConnectedPeers(), b.PeerID()) || slices.Contains(b.ConnectedPeers(), a.PeerID()) {
				return fmt.Errorf("still connected")
			}
			return nil
		})
		before := changeTotal(t, a, sp.ID)
		for i := range 3 {
			must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR"}))
		}
		must[string](t)(a.AddEvent(ctx, sp, "", model.Event{Title: "Distribution", Kind: "meeting", Status: "planned",
			Start: "2026-12-02T10:00:00+01:00", Zone: "Europe/Paris"}))
		made := changeTotal(t, a, sp.ID) - before
		s := stateOfPeer(t, a, b.PeerID(), sp.ID)
		if !s.Known || s.PendingOut != made || s.PendingIn != 0 || s.OpsOut != 0 || s.OpsIn != 0 {
			t.Fatalf("a made %d changes b cannot have; a says: %+v", made, s)
		}
		st := must[node.Status](t)(a.Status(ctx))
		if st.Spaces[0].PendingOut != made || st.Spaces[0].PendingIn != 0 || st.Spaces[0].Unknown != 0 {
			t.Fatalf("status: %+v, want %d pending out", st.Spaces[0], made)
		}
		if s := stateOfPeer(t, b, a.PeerID(), sp.ID); s.Pending() {
			t.Fatalf("b, which heard nothing, claims something pending: %+v", s)
		}
	})

	t.Run("healed, nothing is pending again", func(t *testing.T) {
		for _, n := range []*node.Node{a, b} {
			if err := node.SetPartition(n, nil); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, "nothing pending after healing", func() error {
			for _, pair := range [][2]*node.Node{{a, b}, {b, a}} {
				pair[0].SyncNow(context.WithoutCancel(ctx)) // fails until reconnected
				if s := stateOfPeer(t, pair[0], pair[1].PeerID(), sp.ID); s.Pending() {
					return fmt.Errorf("%+v", s)
				}
			}
			return nil
		})
		if got, want := changeTotal(t, b, sp.ID), changeTotal(t, a, sp.ID); got != want {
			t.Fatalf("b holds %d changes, a %d, with nothing said pending", got, want)
		}
	})
}
