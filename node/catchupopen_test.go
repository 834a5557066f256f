package node_test

import (
	"sync/atomic"
	"testing"

	"github.com/weftsync/weft/node"
)

// TestHeldOpenSmallBatchFed: a batch under heldFeedFrom of a document a
// sync session holds open is fed to the engine and committed before the
// engine finishes (a tail is left), so that the session's next batch can
// be stored meanwhile; the same batch of a document nobody holds open
// takes the old path, applied inside its transaction (decision 0054).
func TestHeldOpenSmallBatchFed(t *testing.T) {
	node.SetHeldFeed(t, 4, 512)
	node.SetHeldOpenFeedFrom(t, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	a = reopen(t, a, aOpts)
	const entries = 12
	tb := newTailBatches(t, a, b, sp, ledger, entries)

	feeds, left := node.HeldFeedsStarted(), node.TailsLeft()
	res, err := a.Ingest(ctx, sp.ID, ledger, tb.batches[0].chunks, tb.batches[0].atts)
	if err != nil || res.Stored != entries {
		t.Fatalf("not held: ingest = %+v, %v; want %d stored", res, err, entries)
	}
	if node.HeldFeedsStarted() != feeds || node.TailsLeft() != left {
		t.Fatal("a small batch of a document no session holds open was fed: it should take the old path")
	}

	node.HoldDoc(a, ledger)
	feeds, left = node.HeldFeedsStarted(), node.TailsLeft()
	res, err = a.Ingest(ctx, sp.ID, ledger, tb.batches[1].chunks, tb.batches[1].atts)
	if err != nil || res.Stored != entries {
		t.Fatalf("held open: ingest = %+v, %v; want %d stored", res, err, entries)
	}
	if node.HeldFeedsStarted()-feeds != 1 || node.TailsLeft()-left != 1 {
		t.Fatalf("held open: %d feeds started, %d tails left; want the batch fed and left to a tail",
			node.HeldFeedsStarted()-feeds, node.TailsLeft()-left)
	}
	if err := node.SettleDoc(ctx, a, ledger); err != nil {
		t.Fatalf("settle: %v", err)
	}
	have := storedSet(t, a, ledger)
	for i, bt := range tb.batches {
		for _, h := range bt.hashes {
			if !have[h] {
				t.Fatalf("a change of batch %d is not stored", i)
			}
		}
	}
	storedLoadsBack(t, a, ledger)
}

// TestTailNextBatchToldBeforeEarlierFeed: a session's next batch, which
// took the write lock over from the earlier batch's tail, is told to
// OnStored at its commit, while the engine still works on the earlier
// batch (its feed held by a hook here), not after (decision 0054).
func TestTailNextBatchToldBeforeEarlierFeed(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	var told atomic.Int64
	aOpts.OnStored = func(_, doc string, n int) {
		if doc == ledger {
			told.Add(int64(n))
		}
	}
	a = reopen(t, a, aOpts)
	const entries = 12
	tb := newTailBatches(t, a, b, sp, ledger, entries)
	release := stopFirstFeed(t, ledger)
	var toldAtJoin int64 = -1
	node.SetTailJoin(t, func() {
		toldAtJoin = told.Load()
		release()
	})

	node.HoldDoc(a, ledger)
	for i, bt := range tb.batches {
		res, err := a.Ingest(ctx, sp.ID, ledger, bt.chunks, bt.atts)
		if err != nil || res.Stored != entries {
			t.Fatalf("batch %d: ingest = %+v, %v; want %d stored", i, res, err, entries)
		}
	}
	if toldAtJoin != 2*entries {
		t.Fatalf("OnStored had been told of %d changes when the second batch began to wait for the first's feed, want %d (both batches: the second is durable)",
			toldAtJoin, 2*entries)
	}
	if err := node.SettleDoc(ctx, a, ledger); err != nil {
		t.Fatalf("settle: %v", err)
	}
	if n := told.Load(); n != 2*entries {
		t.Fatalf("OnStored told of %d changes in all, want %d (each once)", n, 2*entries)
	}
	storedLoadsBack(t, a, ledger)
}
