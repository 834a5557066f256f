package node_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/wire"
)

// TestTailRefusalRollsBackSmallNextBatch (decision 0048): a session's next
// batch, too small to be fed, takes the write lock over from the first
// batch's tail and waits, in its transaction, for the first feed; the
// engine refuses a change of the first batch, so the small batch's
// transaction rolls back. Its ingest reports the refusal as the cause (it
// matches ErrQuarantined, not the consequence errAfterRefused) and counts
// nothing of its rolled-back batch as stored.
func TestTailRefusalRollsBackSmallNextBatch(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	const entries, bad, small = 12, 6, 4
	tb := newTailBatches(t, a, b, sp, ledger, entries)
	second := tb.batches[1]
	second.chunks, second.hashes = second.chunks[:small], second.hashes[:small] // a causal prefix, under the feed's 8
	aOpts.Engine.Env = append(os.Environ(), faultKillEnv+"="+wire.HashHex(tb.batches[0].hashes[bad]))
	a = reopen(t, a, aOpts)
	must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)) // the engine holds the ledger

	// The first feed is held until the small batch has taken the lock over.
	release := stopFirstFeed(t, ledger)
	claimed := node.TailsClaimed()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer release()
		for node.TailsClaimed() == claimed {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	node.HoldDoc(a, ledger)
	res, err := a.Ingest(ctx, sp.ID, ledger, tb.batches[0].chunks, tb.batches[0].atts)
	if err != nil || res.Stored != entries {
		t.Fatalf("first batch: ingest = %+v, %v; want %d stored, the engine's verdict to come", res, err, entries)
	}
	res, err = a.Ingest(ctx, sp.ID, ledger, second.chunks, second.atts)
	if node.TailsClaimed() == claimed {
		t.Fatal("premise: the small batch did not take the lock over from the first batch's tail")
	}
	if !errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("small batch: ingest = %+v, %v; want the first batch's quarantine as its error", res, err)
	}
	if node.AfterRefused(err) {
		t.Fatalf("small batch: ingest = %v; want the refusal as the cause, not its consequence joined to it", err)
	}
	if res.Stored != 0 || res.Held != 0 {
		t.Fatalf("small batch: result %+v; want nothing counted as kept (its transaction rolled back)", res)
	}
	have := storedSet(t, a, ledger)
	for i, h := range second.hashes {
		if have[h] {
			t.Fatalf("small batch: change %d is stored", i)
		}
	}
	if err := node.SettleDoc(ctx, a, ledger); !errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("settle = %v; want the first batch's quarantine", err)
	}
	assertQuarantinedOnce(t, a, ledger, tb.batches[0].hashes[bad], b)
}
