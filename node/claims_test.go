package node_test

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestPullOpsOnly: an ops-only pull brings the membership operations the
// opener lacks and no change, even when it lacks changes too.
func TestPullOpsOnly(t *testing.T) {
	ctx := t.Context()
	a, b, c := realNode(t, "Amina"), realNode(t, "Bo"), realNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, b, sp)
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	joinSpace(t, a, c, sp) // one more operation b lacks
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)

	heads := must[[][32]byte](t)(b.SyncLocal().OpHeads(ctx, sp.ID))
	st := replicate.SpaceState{Space: sp.ID, OpsOnly: true}
	for _, h := range heads {
		st.Heads = append(st.Heads, h[:])
	}
	frames := rawPull(t, pb, pa, &replicate.Request{Version: replicate.Version, Spaces: []replicate.SpaceState{st}})
	ops := 0
	for _, f := range frames {
		switch f.Kind {
		case replicate.KindOps:
			ops += len(f.Ops)
		case replicate.KindChanges:
			t.Fatalf("an ops-only pull was answered with %d changes of %s", len(f.Chunks), f.Doc)
		}
	}
	if ops == 0 {
		t.Fatal("an ops-only pull brought no membership operation, though the opener lacks one")
	}

	rep, err := pb.s.PullOps(ctx, pa.h.ID(), sp.ID)
	if err != nil {
		t.Fatalf("PullOps: %v", err)
	}
	if opsIn(rep) == 0 || rep.Received() != 0 {
		t.Fatalf("PullOps brought %d operations and %d changes, want some and none", opsIn(rep), rep.Received())
	}
	d := must[node.SpaceDetail](t)(b.SpaceDetail(ctx, sp))
	if len(d.Members) != 3 {
		t.Fatalf("b's roster after PullOps has %d members, want 3", len(d.Members))
	}
}
