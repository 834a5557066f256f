package node_test

import (
	"crypto/rand"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestProofAdmitsOfflineMember: a member admitted offline asks a member
// that has not seen its admission; the space is not served, the member
// proves its admission with its log, and the same exchange serves it.
func TestProofAdmitsOfflineMember(t *testing.T) {
	ctx := t.Context()
	a, b, c := realNode(t, "Amina"), realNode(t, "Bo"), realNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	joinSpace(t, a, c, sp)
	exchange(t, a, c, sp)
	joinSpace(t, a, b, sp) // c has not seen this admission
	must[string](t)(c.AddEntry(ctx, sp, model.Entry{Date: "2026-11-29", Direction: "out", AmountMinor: 1, Currency: "EUR"}))
	pb, pc := newSyncPeer(t, "b", b, replicate.Options{}), newSyncPeer(t, "c", c, replicate.Options{})
	connect(t, pb, pc)

	rep, err := pb.s.Pull(ctx, pc.h.ID())
	if err != nil || rep.Received() != 0 || len(rep.Unserved) != 1 || rep.Unserved[0] != sp.ID {
		t.Fatalf("a pull from a member that has not seen our admission: %v, received %d, unserved %v", err, rep.Received(), rep.Unserved)
	}
	rep, err = pb.s.PullProving(ctx, pc.h.ID(), rep.Unserved)
	if err != nil || !rep.Complete || rep.Received() == 0 || len(rep.Unserved) != 0 {
		t.Fatalf("a pull with a proof: %v, complete %v, received %d, unserved %v", err, rep.Complete, rep.Received(), rep.Unserved)
	}
	d := must[node.SpaceDetail](t)(c.SpaceDetail(ctx, sp))
	if len(d.Members) != 3 {
		t.Fatalf("c's roster after the proof has %d members, want 3", len(d.Members))
	}
}

// TestProofRevealsNothing: a peer that is not a member but knows a space's
// ID (it holds an invite, or was once a member) and its membership log asks
// a member for it, with the log as a proof. The member answers exactly as
// it answers for a space it does not hold, and never contacts the peer.
func TestProofRevealsNothing(t *testing.T) {
	ctx := t.Context()
	a, c, e := realNode(t, "Amina"), realNode(t, "Chen"), realNode(t, "Eve")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	joinSpace(t, a, c, sp)
	leaked := must[[][]byte](t)(a.SyncLocal().OpsSince(ctx, sp.ID, nil))
	pa, pe := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "e", e, replicate.Options{})
	connect(t, pa, pe)
	var inbound atomic.Int32
	pe.h.SetStreamHandler(replicate.ProtocolID, func(st network.Stream) {
		inbound.Add(1)
		st.Reset()
	})

	ask := func(space string) []*replicate.Frame {
		head := make([]byte, 32)
		rand.Read(head)
		st := replicate.SpaceState{Space: space, Heads: [][]byte{head}, Proof: leaked}
		return rawPull(t, pe, pa, &replicate.Request{Version: replicate.Version, Spaces: []replicate.SpaceState{st}})
	}
	held, unheld := ask(sp.ID), ask(model.NewID())
	if len(held) != 1 || held[0].Kind != replicate.KindEnd {
		t.Fatalf("a non-member was sent %d frames for a held space", len(held)-1)
	}
	if !reflect.DeepEqual(held, unheld) {
		t.Fatalf("the answer for a held space differs from the answer for an unknown one:\n%+v\n%+v", *held[0].Summary, *unheld[0].Summary)
	}
	time.Sleep(time.Second) // an ask-back would follow at once
	if n := inbound.Load(); n != 0 {
		t.Fatalf("the member opened %d sync streams to a non-member that named its space", n)
	}
	d := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp))
	if len(d.Members) != 2 {
		t.Fatalf("a's roster after a proof that admits nobody has %d members, want 2", len(d.Members))
	}
}
