package node_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// ready fails unless n holds sp, admitted and with its documents.
func ready(ctx context.Context, n *node.Node, id string) error {
	sp, err := n.ResolveSpace(ctx, id)
	if err != nil {
		return err
	}
	if sp.Pending {
		return fmt.Errorf("space %s still pending", id)
	}
	return nil
}

// TestJoinOverNetwork: a fresh node given only an invite code (which
// carries the inviter's addresses) is admitted over /weft/join/1 while
// both serve, converges on the space, replays the edit it made while
// pending, and its edits reach the inviter.
func TestJoinOverNetwork(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	ev := must[string](t)(a.AddEvent(ctx, sp, "", model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
		Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"}))
	cs := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	entry := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 2500, Currency: "EUR"}))
	serveStart(t, a)
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	if len(inv.Addrs) == 0 || !slices.Equal(inv.Addrs, a.Addrs()) {
		t.Fatalf("invite carries %v, want a's addresses %v", inv.Addrs, a.Addrs())
	}

	// b joins before it serves: the join is pending, edits are queued.
	pending := must[node.Space](t)(b.Join(ctx, inv.Code))
	if pending.ID != sp.ID || !pending.Pending {
		t.Fatalf("join returned %+v, want space %s pending", pending, sp.ID)
	}
	got := must[node.Space](t)(b.ResolveSpace(ctx, sp.ID[:8]))
	if !got.Pending {
		t.Fatalf("pending space resolves as %+v", got)
	}
	queued := must[string](t)(b.AddEvent(ctx, got, "", model.Event{Title: "Queued while pending", Kind: "meeting",
		Status: "planned", Start: "2026-12-02T18:00:00+01:00", Zone: "Europe/Paris"}))
	st := must[node.Status](t)(b.Status(ctx))
	if len(st.PendingJoins) != 1 || st.PendingJoins[0].Space != sp.ID || st.PendingJoins[0].Queued != 1 {
		t.Fatalf("status pending joins %+v, want one for %s with one queued edit", st.PendingJoins, sp.ID)
	}

	serveStart(t, b) // no peers given: the code's addresses lead to a
	eventually(t, "b admitted with the space's documents", func() error { return ready(ctx, b, sp.ID) })
	eventually(t, "b sees a's event, case and entry", func() error { return sees(ctx, b, sp, ev, cs, entry, 2) })
	eventually(t, "a sees the edit b queued while pending", func() error {
		_, err := a.Event(ctx, sp, queued)
		return err
	})
	mine := must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 900, Currency: "EUR"}))
	eventually(t, "a sees b's entry", func() error { return entryCount(ctx, a, sp, 2) })
	if !has(ctx, a, sp, mine) {
		t.Fatalf("a lacks b's entry %s", mine)
	}
	if st := must[node.Status](t)(b.Status(ctx)); len(st.PendingJoins) != 0 {
		t.Fatalf("b still lists pending joins %+v", st.PendingJoins)
	}
}

// TestJoinWhileConnectedGossips: a joiner already connected to the
// admitting member (so pubsub had shut it out) receives gossip once
// admitted: timed pulls are an hour apart, so only gossip can deliver.
func TestJoinWhileConnectedGossips(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	servePair(t, a, b)
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	must[node.Space](t)(b.Join(ctx, inv.Code))
	eventually(t, "b admitted with the space's documents", func() error { return ready(ctx, b, sp.ID) })
	eventually(t, "a change of a reaches b by gossip", func() error { return gossiped(t, a, b, sp) })
}

// refused fails unless err is a member's refusal.
func refused(err error) error {
	if !errors.Is(err, node.ErrRefused) {
		return fmt.Errorf("got %v, want a refusal", err)
	}
	return nil
}

// TestInviteCarriesLastAddrs: a code made while no network runs carries
// the addresses the node last listened on.
func TestInviteCarriesLastAddrs(t *testing.T) {
	ctx := t.Context()
	a, opts := serveNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	offline := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	if len(offline.Addrs) != 0 {
		t.Fatalf("a node that never served invites with addresses %v", offline.Addrs)
	}
	serveStart(t, a)
	addrs := a.Addrs()
	a = reopen(t, a, opts)
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	if !slices.Equal(inv.Addrs, addrs) {
		t.Fatalf("invite carries %v, want the last listen addresses %v", inv.Addrs, addrs)
	}
	c := must[*node.InviteCode](t)(node.ParseInviteCode(inv.Code))
	if !slices.Equal(c.Addrs, addrs) {
		t.Fatalf("the code carries %v, want %v", c.Addrs, addrs)
	}
}

// TestReadmitLearntBySync: a member connected to the joiner before its
// admission, which learns of the admission by sync, closes and redials
// the connection so that its gossip reaches the new member directly (the
// admitting member is gone by then, so nothing else relays).
func TestReadmitLearntBySync(t *testing.T) {
	ctx := t.Context()
	a, b, c := realNode(t, "Amina"), realNode(t, "Bo"), realNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, c, sp)
	serveQuiet(t, a)
	serveQuiet(t, c, a.Addrs()...)
	serveQuiet(t, b, append(a.Addrs(), c.Addrs()...)...)
	eventually(t, "b connected to a and c", func() error {
		if got := b.ConnectedPeers(); !slices.Contains(got, a.PeerID()) || !slices.Contains(got, c.PeerID()) {
			return fmt.Errorf("b's peers %v", got)
		}
		return nil
	})
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	must[node.Space](t)(b.JoinThrough(ctx, inv.Code, a.Addrs()[0]))
	eventually(t, "b holds the space's documents", func() error { return ready(ctx, b, sp.ID) })
	// b's own readmission of c may cut a pull on their connection: what
	// matters is that c learns of the admission by sync.
	eventually(t, "c learns of b's admission by sync", func() error {
		err := c.SyncNow(ctx)
		if d, derr := c.SpaceDetail(ctx, sp); derr != nil || len(d.Members) != 3 {
			return fmt.Errorf("c's roster has %d members (%v; sync: %v)", len(d.Members), derr, err)
		}
		return nil
	})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a change of c reaches b by gossip", func() error { return gossiped(t, c, b, sp) })
}

// TestReadmitByWelcome: a node connected to a member before it was
// admitted offline (join request, welcome bundle) readmits that member once
// it imports the welcome, so gossip flows both ways on the connection
// without waiting for a timed pull.
func TestReadmitByWelcome(t *testing.T) {
	ctx := t.Context()
	a, b, c := realNode(t, "Amina"), realNode(t, "Bo"), realNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, c, sp)
	serveQuiet(t, c)
	serveQuiet(t, b, c.Addrs()...)
	eventually(t, "b connected to c", func() error {
		if !slices.Contains(c.ConnectedPeers(), b.PeerID()) {
			return fmt.Errorf("c's peers %v", c.ConnectedPeers())
		}
		return nil
	})
	joinSpace(t, a, b, sp) // offline: a never serves
	eventually(t, "c's changes reach b by gossip", func() error { return gossiped(t, c, b, sp) })
	eventually(t, "b's changes reach c by gossip", func() error { return gossiped(t, b, c, sp) })
}

// TestExpiredJoinCancelled: a pending join whose invite expired (by the
// joiner's clock, past the grace for skew) is no longer presented, status
// says so, and cancelling it forgets it and its queued edits.
func TestExpiredJoinCancelled(t *testing.T) {
	ctx := t.Context()
	a := realNode(t, "Amina")
	later := func() time.Time { return time.Now().Add(3 * time.Hour) } // b's clock runs ahead
	b, err := node.Init(ctx, node.Options{Home: t.TempDir(), NoPassphrase: true, Now: later}, "Bo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Expires: time.Hour}))
	pending := must[node.Space](t)(b.Join(ctx, inv.Code))
	must[string](t)(b.AddEntry(ctx, pending, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	serveQuiet(t, a)
	serveQuiet(t, b, a.Addrs()...)
	eventually(t, "b's status says the invite expired", func() error {
		pj := must[[]node.PendingJoin](t)(b.PendingJoins(ctx))
		if len(pj) != 1 || !pj[0].Expired || !strings.Contains(pj[0].LastError, "expired") {
			return fmt.Errorf("pending joins %+v", pj)
		}
		return nil
	})
	if err := ready(ctx, b, sp.ID); err == nil {
		t.Fatal("b was admitted with an invite expired by its own clock: the code was presented")
	}
	dropped, err := b.CancelJoin(ctx, sp.ID)
	if err != nil || dropped != 1 {
		t.Fatalf("cancel: %d queued edits dropped, %v; want 1, nil", dropped, err)
	}
	if pj := must[[]node.PendingJoin](t)(b.PendingJoins(ctx)); len(pj) != 0 {
		t.Fatalf("pending joins after cancel: %+v", pj)
	}
	if _, err := b.ResolveSpace(ctx, sp.ID); !errors.Is(err, node.ErrNotFound) {
		t.Fatalf("the cancelled space still resolves: %v", err)
	}
	if _, err := b.CancelJoin(ctx, sp.ID); !errors.Is(err, node.ErrNotFound) {
		t.Fatalf("cancelling twice: %v, want ErrNotFound", err)
	}
}
