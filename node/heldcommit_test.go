package node_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestHeldCommitsBeforeEngine: a held document's large batch is durable,
// and OnStored told, before the update waits for the engine to finish
// with it (decision 0043); once the ingest returns, every change is shown
// and the stored document saves and loads.
func TestHeldCommitsBeforeEngine(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	a, told := countStored(t, a, aOpts, ledger)
	before := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)))
	const entries = 30
	frame := entriesFrame(t, b, sp, ledger, entries)
	atCommit, toldAtCommit := -1, int64(-1)
	node.SetHeldCommitted(t, func(string) {
		atCommit, toldAtCommit = len(storedSet(t, a, ledger)), told.Load()
	})
	res, err := a.Ingest(ctx, sp.ID, ledger, frame.Chunks, frame.Atts)
	if err != nil || res.Stored != entries {
		t.Fatalf("ingest = %+v, %v; want %d stored", res, err, entries)
	}
	if atCommit < before+entries || toldAtCommit != entries {
		t.Fatalf("when the update waited for the engine: %d changes stored, OnStored told of %d; want %d and %d",
			atCommit, toldAtCommit, before+entries, entries)
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != before+entries {
		t.Fatalf("a shows %d entries, want %d", n, before+entries)
	}
	storedLoadsBack(t, a, ledger)
}

// TestHeldCrashAfterCommit: a node that crashes after a catch-up batch
// committed and before its engine finished with it (decision 0043's
// window), the batch holding a change that kills the engine, finds the
// change when it opens again (decision 0042: the home was not closed
// cleanly, so every document is loaded and repaired): it is quarantined
// once, by its attested author, and dropped with the changes that depend
// on it (here every later one of the batch); the ledger takes edits.
func TestHeldCrashAfterCommit(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	h := newHeldCulprit(t, faultKillEnv, 13)
	a := h.open(t, true)
	crashed := false
	node.SetHeldCommitted(t, func(string) {
		if !storedSet(t, a, h.ledger)[h.fresh[h.bad]] {
			t.Error("the culprit was not committed before the engine finished")
		}
		node.Crash(a)
		crashed = true
	})
	if _, err := a.Ingest(ctx, h.sp.ID, h.ledger, h.frame.Chunks, h.frame.Atts); err == nil {
		t.Fatal("the ingest of a node that crashed meanwhile reports no error")
	}
	if !crashed {
		t.Fatal("the batch was not committed before the engine finished with it")
	}
	node.SetHeldCommitted(t, nil)
	a = must[*node.Node](t)(node.Open(ctx, h.aOpts))
	t.Cleanup(func() { a.Close() })
	h.culpritGone(t, a, "after the crash")
	must[string](t)(a.AddEntry(ctx, h.sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 2, Currency: "EUR"}))
	storedLoadsBack(t, a, h.ledger)
}

// TestHeldDeadlineAfterCommit: when the engine stalls past its deadline on
// a committed catch-up batch, nobody is blamed (a slow engine says
// nothing of the author): the changes the engine had not taken are
// dropped, nobody is quarantined, and the ingest reports the deadline;
// the batch sent again, to an engine that does not stall, is stored whole.
func TestHeldDeadlineAfterCommit(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	h := newHeldCulprit(t, faultStallEnv, 13)
	h.aOpts.Engine.Deadline = 500 * time.Millisecond
	a := h.open(t, true)
	res, err := a.Ingest(ctx, h.sp.ID, h.ledger, h.frame.Chunks, h.frame.Atts)
	if !errors.Is(err, engine.ErrDeadline) || errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("ingest = %v; want the engine's deadline, nothing quarantined", err)
	}
	if q := must[[]store.Quarantined](t)(a.Quarantined(ctx)); len(q) != 0 {
		t.Fatalf("quarantined = %+v after a deadline", q)
	}
	have := storedSet(t, a, h.ledger)
	kept := 0
	for kept < len(h.fresh) && have[h.fresh[kept]] {
		kept++
	}
	for _, c := range h.fresh[kept:] {
		if have[c] {
			t.Fatal("the changes kept are not a prefix of the batch")
		}
	}
	if took := h.bad / 4 * 4; kept != took || res.Stored != kept { // parts of 4: those before the stalled one
		t.Fatalf("%d of the batch kept (the result says %d), want the %d the engine took before it stalled", kept, res.Stored, took)
	}
	if got := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, h.sp))); got != h.before+kept {
		t.Fatalf("a shows %d entries, want %d", got, h.before+kept)
	}

	h.aOpts.Engine.Env = nil
	a = reopen(t, a, h.aOpts)
	res, err = a.Ingest(ctx, h.sp.ID, h.ledger, h.frame.Chunks, h.frame.Atts)
	if err != nil || res.Stored != len(h.fresh)-kept {
		t.Fatalf("ingest again = %+v, %v; want the %d dropped stored", res, err, len(h.fresh)-kept)
	}
	storedLoadsBack(t, a, h.ledger)
}

// TestHeldDropsFromCulpritOn: the changes of a committed batch after its
// culprit are dropped with it even when they do not depend on it (another
// member's, here): the batch is replayed no further than the culprit.
// Sent again, the culprit and its quarantined author's changes are
// refused by the store's checks, and the other member's are stored.
func TestHeldDropsFromCulpritOn(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, c, sp := threeInFund(t)
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	exchange(t, a, b, sp)
	exchange(t, a, c, sp)
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	addEntries(t, b, sp, 10)
	addEntries(t, c, sp, 10)
	exchange(t, c, b, sp) // b stores c's entries after its own
	frame := framesOf(t, b, sp, ledger)[0]
	have := storedSet(t, a, ledger)
	var fresh [][32]byte
	for _, raw := range frame.Chunks {
		if ch := must[*wire.Change](t)(wire.ParseChange(raw)); !have[ch.Hash] {
			fresh = append(fresh, ch.Hash)
		}
	}
	if len(fresh) != 20 {
		t.Fatalf("%d new changes, want 20", len(fresh))
	}
	const bad = 6 // b's seventh; c's ten follow b's
	aOpts.Engine.Env = append(os.Environ(), faultKillEnv+"="+wire.HashHex(fresh[bad]))
	a = reopen(t, a, aOpts)

	res, err := a.Ingest(ctx, sp.ID, ledger, frame.Chunks, frame.Atts)
	if !errors.Is(err, node.ErrQuarantined) || res.Stored != bad {
		t.Fatalf("ingest = %+v, %v; want ErrQuarantined and %d stored", res, err, bad)
	}
	now := storedSet(t, a, ledger)
	for i, h := range fresh {
		if now[h] != (i < bad) {
			t.Fatalf("change %d stored = %v; want only the %d before the culprit", i, now[h], bad)
		}
	}
	res, err = a.Ingest(ctx, sp.ID, ledger, frame.Chunks, frame.Atts)
	if err != nil || res.Stored != 10 || !refusedChange(res, fresh[bad]) {
		t.Fatalf("ingest again = %+v, %v; want c's 10 stored, the culprit refused", res, err)
	}
	now = storedSet(t, a, ledger)
	for i, h := range fresh {
		if now[h] != (i < bad || i >= 10) {
			t.Fatalf("after the batch came again, change %d stored = %v; want b's %d and c's 10", i, now[h], bad)
		}
	}
	if got := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); got != 1+bad+10 {
		t.Fatalf("a shows %d entries, want %d", got, 1+bad+10)
	}
	storedLoadsBack(t, a, ledger)
}

// TestHeldIngestFramesStoredThenRefused: a sync session's batch of frames
// whose ledger's culprit is found after the commit reports ErrQuarantined
// to the session (which then does not acknowledge the answer) with what
// became of each frame, and is not ingested again frame by frame: the
// other document of the batch was stored once, in the committed
// transaction.
func TestHeldIngestFramesStoredThenRefused(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	h := newHeldCulprit(t, faultKillEnv, 13)
	caseID := must[string](t)(h.author.AddCase(ctx, h.sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	frames := []replicate.FrameIn{h.frame, framesOf(t, h.author, h.sp, caseID)[0]}
	a := h.open(t, true)
	bl := a.SyncLocal().(replicate.BatchLocal)
	res, err := bl.IngestFrames(ctx, frames)
	if !errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("ingest frames = %v; want ErrQuarantined after the commit", err)
	}
	if len(res) != 2 || res[0].Stored != h.bad || res[0].Refused < len(h.fresh)-h.bad || res[1].Stored != 1 || res[1].Duplicate != 0 {
		t.Fatalf("results = %+v; want the ledger's %d before the culprit and the case stored once", res, h.bad)
	}
	h.culpritGone(t, a, "after the frames")
	if _, err := a.Case(ctx, h.sp, caseID); err != nil {
		t.Fatalf("the case stored in the same transaction: %v", err)
	}
}

// TestHeldTwoGossipBatchesOfOneDocument: two large batches of one ledger
// delivered by gossip in one transaction are both fed to the engine, the
// engine fails on neither (the second's feed starts after the first's
// ends: joinHeld; with batches this small the first is usually done
// anyway, so this does not force the race), every entry is shown and the
// stored ledger saves and loads.
func TestHeldTwoGossipBatchesOfOneDocument(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	a = reopen(t, a, aOpts)
	before := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))) // the engine holds the ledger
	have := storedSet(t, a, ledger)
	var ds []gossip.Delivered
	for range 2 {
		frame := entriesFrame(t, b, sp, ledger, 12)
		d := gossip.Delivered{Space: sp.ID, Batch: gossip.Batch{Doc: ledger, Type: string(model.Ledger), Atts: frame.Atts}}
		for _, raw := range frame.Chunks {
			if c := must[*wire.Change](t)(wire.ParseChange(raw)); !have[c.Hash] {
				d.Batch.Chunks = append(d.Batch.Chunks, raw)
				have[c.Hash] = true
			}
		}
		ds = append(ds, d)
	}
	feeds, refusals := node.HeldFeedsStarted(), node.HeldRefusals()
	if _, err := node.GossipIngestAll(ctx, a, ds); err != nil {
		t.Fatal(err)
	}
	if node.HeldFeedsStarted()-feeds != 2 || node.HeldRefusals() != refusals {
		t.Fatalf("%d feeds started, %d failed: want both batches fed, neither failing",
			node.HeldFeedsStarted()-feeds, node.HeldRefusals()-refusals)
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != before+24 {
		t.Fatalf("a shows %d entries, want %d", n, before+24)
	}
	storedLoadsBack(t, a, ledger)
}
