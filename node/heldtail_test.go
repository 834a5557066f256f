package node_test

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// tailBatches is a receiver's ledger, held open as a sync session holds
// it, and two batches of another member's entries for it, each only of
// changes new to the receiver, the second built on the first.
type tailBatches struct {
	sp      node.Space
	ledger  string
	b       *node.Node
	batches [2]struct {
		chunks, atts [][]byte
		hashes       [][32]byte
	}
}

// newTailBatches makes the two batches of entries entries each (b's, for
// a's ledger; sharedLedger).
func newTailBatches(t *testing.T, a, b *node.Node, sp node.Space, ledger string, entries int) *tailBatches {
	t.Helper()
	tb := &tailBatches{sp: sp, ledger: ledger, b: b}
	have := storedSet(t, a, ledger)
	for i := range tb.batches {
		frame := entriesFrame(t, b, sp, ledger, entries)
		bt := &tb.batches[i]
		bt.atts = frame.Atts
		for _, raw := range frame.Chunks {
			if c := must[*wire.Change](t)(wire.ParseChange(raw)); !have[c.Hash] {
				bt.chunks = append(bt.chunks, raw)
				bt.hashes = append(bt.hashes, c.Hash)
				have[c.Hash] = true
			}
		}
		if len(bt.hashes) != entries {
			t.Fatalf("batch %d: %d new changes, want %d", i, len(bt.hashes), entries)
		}
	}
	return tb
}

// stopFirstFeed holds the first feed of doc, once it starts, until the
// returned release is called (or, so that a broken ordering fails rather
// than hangs, until 30 s have passed: then the test fails).
func stopFirstFeed(t *testing.T, doc string) (release func()) {
	t.Helper()
	gate := make(chan struct{})
	var first sync.Once
	node.SetFeedRuns(t, func(d string) {
		if d != doc {
			return
		}
		first.Do(func() {
			select {
			case <-gate:
			case <-time.After(30 * time.Second):
				t.Error("the first batch's feed was held for 30 s: the second batch never committed beside it")
			}
		})
	})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

// noResultYet fails when ch yields within a short wait: what sent on it
// was to wait for a feed that is held.
func noResultYet(t *testing.T, ch <-chan int, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Errorf("%s returned (%d) while the first batch's feed was held: it did not wait for the engine", what, v)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestTailNextBatchCommitsDuringFeed: a sync session's catch-up batch of
// a held ledger returns once committed, its engine feed still running
// (held by a hook here); the session's next batch of the same ledger takes
// the write lock over from that tail and commits while the first feed is
// still held (decision 0048). A view and a local edit of the ledger begun
// meanwhile wait: the view then shows every entry of both batches, the
// edit builds on them. The session's Settle reports nothing; every change
// is stored once and the ledger saves and loads.
func TestTailNextBatchCommitsDuringFeed(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	a = reopen(t, a, aOpts)
	before := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))) // the engine holds the ledger
	const entries = 12
	tb := newTailBatches(t, a, b, sp, ledger, entries)
	release := stopFirstFeed(t, ledger)

	views, edits := make(chan int, 1), make(chan int, 1)
	var secondCommitted bool
	var joined sync.Once
	node.SetTailJoin(t, func() {
		joined.Do(func() {
			have := storedSet(t, a, ledger)
			secondCommitted = have[tb.batches[1].hashes[0]] && have[tb.batches[1].hashes[entries-1]]
			go func() {
				es, err := a.Entries(ctx, sp)
				if err != nil {
					t.Error(err)
				}
				views <- len(es)
			}()
			go func() {
				_, err := a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 3, Currency: "EUR"})
				if err != nil {
					t.Error(err)
				}
				edits <- 1
			}()
			noResultYet(t, views, "a view of the ledger")
			noResultYet(t, edits, "a local edit of the ledger")
			release()
		})
	})

	node.HoldDoc(a, ledger)
	left, claimed := node.TailsLeft(), node.TailsClaimed()
	for i, bt := range tb.batches {
		res, err := a.Ingest(ctx, sp.ID, ledger, bt.chunks, bt.atts)
		if err != nil || res.Stored != entries {
			t.Fatalf("batch %d: ingest = %+v, %v; want %d stored", i, res, err, entries)
		}
	}
	if node.TailsLeft()-left != 2 || node.TailsClaimed()-claimed != 1 {
		t.Fatalf("%d tails left, %d claimed; want both batches' feeds left, the second batch taking the first's lock",
			node.TailsLeft()-left, node.TailsClaimed()-claimed)
	}
	if !secondCommitted {
		t.Fatal("the second batch was not committed while the first's feed was held")
	}
	if err := node.SettleDoc(ctx, a, ledger); err != nil {
		t.Fatalf("settle: %v", err)
	}
	<-edits
	if v := <-views; v != before+2*entries && v != before+2*entries+1 {
		t.Fatalf("the view begun during the feed showed %d entries, want %d (or %d after the edit)", v, before+2*entries, before+2*entries+1)
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != before+2*entries+1 {
		t.Fatalf("a shows %d entries, want %d", n, before+2*entries+1)
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

// TestTailRefusalDropsNextBatch: the engine refuses a change of a
// session's first batch after its commit, while the session's second
// batch of the same ledger was committed on top of it (the first feed held
// by a hook until then). The culprit is quarantined once, by its attested
// author, and dropped with the first batch's changes after it; the second
// batch, which the engine never saw, is dropped whole, nobody blamed for
// it. The second ingest reports the first's quarantine (its ingest had
// returned at the commit); the session's Settle reports the second's drop
// (and the first's quarantine again, for a session that did not see it).
// The ledger shows what is kept and takes local edits.
func TestTailRefusalDropsNextBatch(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	const entries, bad = 12, 6
	tb := newTailBatches(t, a, b, sp, ledger, entries)
	aOpts.Engine.Env = append(os.Environ(), faultKillEnv+"="+wire.HashHex(tb.batches[0].hashes[bad]))
	a = reopen(t, a, aOpts)
	before := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)))
	release := stopFirstFeed(t, ledger)
	var secondCommitted bool
	node.SetTailJoin(t, func() {
		secondCommitted = storedSet(t, a, ledger)[tb.batches[1].hashes[entries-1]]
		release()
	})

	node.HoldDoc(a, ledger)
	res, err := a.Ingest(ctx, sp.ID, ledger, tb.batches[0].chunks, tb.batches[0].atts)
	if err != nil || res.Stored != entries {
		t.Fatalf("first batch: ingest = %+v, %v; want %d stored, the engine's verdict to come", res, err, entries)
	}
	res, err = a.Ingest(ctx, sp.ID, ledger, tb.batches[1].chunks, tb.batches[1].atts)
	if !errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("second batch: ingest = %+v, %v; want the first batch's quarantine reported", res, err)
	}
	if !secondCommitted {
		t.Fatal("the second batch was not committed on top of the first before the engine refused it")
	}
	if node.AfterRefused(err) {
		t.Fatalf("second batch: ingest = %v; its own drop is found after it returned", err)
	}
	if err = node.SettleDoc(ctx, a, ledger); !node.AfterRefused(err) {
		t.Fatalf("settle = %v; want the second batch's drop reported", err)
	}
	// Both ingests had returned their batch as stored: Settle says how
	// many of those changes did not stay, for the session's report.
	var late *replicate.DroppedAfterIngest
	if !errors.As(err, &late) || late.Changes != entries-bad+entries {
		t.Fatalf("settle = %v; want %d changes reported stored said dropped", err, entries-bad+entries)
	}

	have := storedSet(t, a, ledger)
	for i, h := range tb.batches[0].hashes {
		if have[h] != (i < bad) {
			t.Fatalf("first batch: change %d stored = %v; want the %d before the culprit kept", i, have[h], bad)
		}
	}
	for i, h := range tb.batches[1].hashes {
		if have[h] {
			t.Fatalf("second batch: change %d is still stored", i)
		}
	}
	q := must[[]store.Quarantined](t)(a.Quarantined(ctx))
	if len(q) != 1 || q[0].Hash != tb.batches[0].hashes[bad] || node.PeerID(q[0].Author) != b.PeerID() {
		t.Fatalf("quarantined = %+v, want only the culprit, by %s", q, b.PeerID())
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != before+bad {
		t.Fatalf("a shows %d entries, want %d", n, before+bad)
	}
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 3, Currency: "EUR"}))
	storedLoadsBack(t, a, ledger)
}

// TestTailOffWaitsUnderLock: with tails off (decision 0043's path), a held
// ledger's batch is finished before its ingest returns, and no tail is
// left: the measuring switch does what it says.
func TestTailOffWaitsUnderLock(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	node.SetTailsOff(t)
	ctx := t.Context()
	a, _, b, sp, ledger := sharedLedger(t)
	tb := newTailBatches(t, a, b, sp, ledger, 12)
	node.HoldDoc(a, ledger)
	left := node.TailsLeft()
	for _, bt := range tb.batches {
		if _, err := a.Ingest(ctx, sp.ID, ledger, bt.chunks, bt.atts); err != nil {
			t.Fatal(err)
		}
	}
	if node.TailsLeft() != left {
		t.Fatal("a tail was left with tails off")
	}
	if err := node.SettleDoc(ctx, a, ledger); err != nil {
		t.Fatal(err)
	}
	storedLoadsBack(t, a, ledger)
}
