package node_test

import (
	"testing"

	"github.com/weftsync/weft/node"
)

// TestTailNextBatchToldBeforeEarlierFeed: a session's next batch, which
// took the write lock over from the earlier batch's tail, is told to
// OnStored at its commit, while the engine still works on the earlier
// batch (its feed held by a hook here), not after (decision 0054).
func TestTailNextBatchToldBeforeEarlierFeed(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	a, told := countStored(t, a, aOpts, ledger)
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
