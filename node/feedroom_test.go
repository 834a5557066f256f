package node_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftsync/weft/node"
)

// TestStoreCommitsWhileItsFeedIsHeld: a large batch of a held document is
// stored and committed, and OnStored told, while the engine has taken
// none of its parts (its feed held by a hook), however many parts the
// batch makes (decision 0069): the store never waits for the engine's
// applies. With a buffer of fewer parts than the batch, the store waited
// for the feed at the first part past it.
func TestStoreCommitsWhileItsFeedIsHeld(t *testing.T) {
	node.SetHeldFeed(t, 1, 8) // a part a change: 40 parts
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	a, told := countStored(t, a, aOpts, ledger)
	const entries = 40
	bt := newTailBatches(t, a, b, sp, ledger, entries).batches[0]

	gate := make(chan struct{})
	hookDone := make(chan struct{})
	var toldWhileHeld atomic.Int64
	toldWhileHeld.Store(-1)
	var first sync.Once
	node.SetFeedRuns(t, func(d string) {
		if d != ledger {
			return
		}
		first.Do(func() {
			defer close(hookDone)
			select {
			case <-gate:
			case <-time.After(30 * time.Second): // fail rather than hang
			}
			toldWhileHeld.Store(told.Load())
		})
	})

	node.HoldDoc(a, ledger)
	feeds := node.HeldFeedsStarted()
	type result struct {
		stored int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := a.Ingest(ctx, sp.ID, ledger, bt.chunks, bt.atts)
		done <- result{res.Stored, err}
	}()
	for told.Load() < entries {
		select {
		case <-hookDone: // the feed was let go without the batch told
		case <-time.After(time.Millisecond):
			continue
		}
		break
	}
	close(gate)
	r := <-done
	if r.err != nil || r.stored != entries {
		t.Fatalf("ingest: %d stored, %v; want %d", r.stored, r.err, entries)
	}
	if n := node.HeldFeedsStarted() - feeds; n != 1 {
		t.Fatalf("%d feeds started, want 1", n)
	}
	<-hookDone // the feed may run on as a tail after the ingest returned
	if n := toldWhileHeld.Load(); n != entries {
		t.Fatalf("OnStored had been told of %d changes while the engine held the feed, want %d (the batch committed without the engine)", n, entries)
	}
	if err := node.SettleDoc(ctx, a, ledger); err != nil {
		t.Fatalf("settle: %v", err)
	}
	storedLoadsBack(t, a, ledger)
}
