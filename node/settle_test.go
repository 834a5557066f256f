package node_test

import (
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// ledgerFrames is b's ledger changes that a lacks, as parts sync frames
// of per changes each (every ledger entry is attested, so any cut is a
// frame the responder could send).
func ledgerFrames(t *testing.T, a, b *node.Node, sp node.Space, ledger string, per int) []replicate.FrameIn {
	t.Helper()
	vv := must[map[string]replicate.DocDigest](t)(a.SyncLocal().Digest(t.Context(), sp.ID))[ledger].VV
	cs := must[[]replicate.Change](t)(b.SyncLocal().Missing(t.Context(), sp.ID, ledger, vv))
	var out []replicate.FrameIn
	for len(cs) > 0 {
		part := cs[:min(per, len(cs))]
		cs = cs[len(part):]
		out = append(out, frameIn(replicate.FrameIn{Space: sp.ID, Doc: ledger, Type: string(model.Ledger)}, part))
	}
	return out
}

// TestSettleOneCheckPerCatchUp: a catch-up that arrives in three batches,
// each bringing the ledger to CheckBudget unchecked changes, costs one
// round-trip check (one save and load in the engine), run when the sync
// session settles the document, not one per batch (decision 0028); until
// then the changes are unchecked. A local edit while the session holds
// the document checks first; a hold older than maxHold no longer puts the
// check off.
func TestSettleOneCheckPerCatchUp(t *testing.T) {
	ctx := t.Context()
	a, _, b, sp, ledger := sharedLedger(t)
	// The hold's bound is what the last part tests; until then a slow
	// machine (-race, a loaded CI runner) must not reach it between batches.
	node.SetMaxHold(t, time.Minute)
	bl := a.SyncLocal().(replicate.Settler)
	roundTrips := func() int { return must[int](t)(node.EngineRoundTrips(a)) }
	ingest := func(f replicate.FrameIn) {
		t.Helper()
		res, err := bl.IngestFrames(ctx, []replicate.FrameIn{f})
		if err != nil || len(res) != 1 || res[0].Stored != len(f.Chunks) {
			t.Fatalf("ingest = %+v, %v; want %d stored", res, err, len(f.Chunks))
		}
	}

	// Three batches of one open document: no check until Settle, then one.
	addEntries(t, b, sp, 3*node.CheckBudget)
	frames := ledgerFrames(t, a, b, sp, ledger, node.CheckBudget)
	if len(frames) != 3 {
		t.Fatalf("%d frames, want 3", len(frames))
	}
	before := roundTrips()
	frames[0].Open = true // as the opener marks the first batch of a document
	for _, f := range frames {
		ingest(f)
	}
	if got := roundTrips() - before; got != 0 {
		t.Fatalf("%d round-trip checks while the session held the document open, want 0", got)
	}
	if n := node.Unchecked(a, ledger); n != 3*node.CheckBudget {
		t.Fatalf("%d changes unchecked before Settle, want %d", n, 3*node.CheckBudget)
	}
	bl.Settle(ctx, sp.ID, ledger)
	if got := roundTrips() - before; got != 1 {
		t.Fatalf("%d round-trip checks for a catch-up in three batches, want 1", got)
	}
	if n := node.Unchecked(a, ledger); n != 0 {
		t.Fatalf("%d changes still unchecked after Settle", n)
	}

	// A local edit while the document is held checks what is unchecked
	// first.
	addEntries(t, b, sp, node.CheckBudget)
	frames = ledgerFrames(t, a, b, sp, ledger, node.CheckBudget)
	frames[0].Open = true
	ingest(frames[0])
	if n := node.Unchecked(a, ledger); n != node.CheckBudget {
		t.Fatalf("%d changes unchecked, want %d", n, node.CheckBudget)
	}
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 2, Currency: "EUR"}))
	if n := node.Unchecked(a, ledger); n != 0 {
		t.Fatalf("%d changes unchecked after a local edit, want 0", n)
	}
	bl.Settle(ctx, sp.ID, ledger)

	// A hold past maxHold puts nothing off: each batch is checked after
	// its commit, as without a session.
	node.SetMaxHold(t, 0)
	addEntries(t, b, sp, 2*node.CheckBudget)
	frames = ledgerFrames(t, a, b, sp, ledger, node.CheckBudget)
	before = roundTrips()
	frames[0].Open = true
	for _, f := range frames {
		ingest(f)
	}
	if got := roundTrips() - before; got != 2 {
		t.Fatalf("%d round-trip checks with the hold expired, want 2 (one per batch)", got)
	}
	bl.Settle(ctx, sp.ID, ledger)
	storedLoadsBack(t, a, ledger)
}

// TestMissingStreamAsMissing: a ledger's missing changes, streamed in
// pages (MissingStream, decision 0028), are those Missing returns, in the
// same order, with the same attestations, which are read on demand
// (decision 0033) but the first.
func TestMissingStreamAsMissing(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	addEntries(t, a, sp, 600)
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	sl := a.SyncLocal().(replicate.StreamLocal)
	for _, vv := range []map[string]uint64{nil, must[map[string]replicate.DocDigest](t)(sl.Digest(ctx, sp.ID))[ledger].VV} {
		for actor, seq := range vv {
			vv[actor] = seq - 100 // the replica lacks the last 100 of each actor
		}
		want := must[[]replicate.Change](t)(sl.Missing(ctx, sp.ID, ledger, vv))
		var got []replicate.Change
		parts := 0
		err := sl.MissingStream(ctx, sp.ID, ledger, vv, func(cs []replicate.Change) error {
			got = append(got, cs...)
			parts++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(want) == 0 || (len(want) > 300 && parts < 2) {
			t.Fatalf("streamed %d changes in %d parts, Missing has %d", len(got), parts, len(want))
		}
		read := 0 // attestations read with the changes (decision 0033: the first alone)
		for i := range want {
			att := got[i].Attestation
			if att != nil {
				read++
			} else if got[i].Attest != nil {
				att = must[[]byte](t)(got[i].Attest())
			}
			if string(got[i].Raw) != string(want[i].Raw) || string(att) != string(want[i].Attestation) || got[i].Seq != want[i].Seq {
				t.Fatalf("change %d differs from Missing's", i)
			}
		}
		if read > 1 {
			t.Fatalf("%d attestations read with the changes; want the first alone, the others on demand", read)
		}
	}
}
