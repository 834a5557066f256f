package node_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestHeldFeedBlamesCulprit: a large batch of a ledger the receiver
// already stores is applied in the engine while the store takes it
// (decision 0028), in parts, and committed before the engine has finished
// (decision 0043). A change in a later part that kills the engine, and
// kills it again replayed alone in a fresh copy, is found after the
// commit: it is quarantined once, by its attested author; it and every
// change after it in the batch (here all depend on it) are dropped from
// the store; the changes before it, which the engine took, are kept. The
// ingest reports ErrQuarantined and counts as stored only what was kept;
// the ledger takes local edits; the same batch sent again is refused
// without the engine. Run with the engine holding the ledger (the feed
// applies to its copy) and without (the feed loads it from the store
// first).
func TestHeldFeedBlamesCulprit(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	for _, loaded := range []bool{false, true} {
		t.Run(fmt.Sprintf("loaded=%v", loaded), func(t *testing.T) {
			ctx := t.Context()
			h := newHeldCulprit(t, faultKillEnv, 13) // in the fourth part
			a := h.open(t, loaded)
			var atCommit map[[32]byte]bool
			node.SetHeldCommitted(t, func(string) { atCommit = storedSet(t, a, h.ledger) })
			feeds := node.HeldFeedsStarted()

			res, err := a.Ingest(ctx, h.sp.ID, h.ledger, h.frame.Chunks, h.frame.Atts)
			if !errors.Is(err, node.ErrQuarantined) {
				t.Fatalf("ingest = %v, want ErrQuarantined", err)
			}
			if node.HeldFeedsStarted() == feeds {
				t.Fatal("the batch was not fed to the engine while it was stored")
			}
			if atCommit == nil || !atCommit[h.fresh[h.bad]] || !atCommit[h.fresh[len(h.fresh)-1]] {
				t.Fatal("the batch was not committed before the engine finished with it")
			}
			if restarts := node.EngineRestarts(a); restarts < 2 {
				t.Fatalf("engine restarts = %d: the culprit was not replayed alone", restarts)
			}
			h.culpritGone(t, a, "after the ingest")
			if res.Stored != h.bad || res.Refused < len(h.fresh)-h.bad || !refusedChange(res, h.fresh[h.bad]) {
				t.Fatalf("ingest result %+v: want %d stored, %d refused, the culprit among them", res, h.bad, len(h.fresh)-h.bad)
			}

			// Sent again, it is refused by the store's checks: the culprit
			// is quarantined, so is its author; the engine is not asked.
			restarts := node.EngineRestarts(a)
			res, err = a.Ingest(ctx, h.sp.ID, h.ledger, h.frame.Chunks, h.frame.Atts)
			if err != nil || res.Stored != 0 || !refusedChange(res, h.fresh[h.bad]) {
				t.Fatalf("ingest again = %+v, %v; want nothing stored, the culprit refused", res, err)
			}
			if node.EngineRestarts(a) != restarts {
				t.Fatal("the batch sent again reached the engine")
			}
			h.culpritGone(t, a, "after the batch came again")
			must[string](t)(a.AddEntry(ctx, h.sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 2, Currency: "EUR"}))
			if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, h.sp))); n != h.before+h.bad+1 {
				t.Fatalf("a shows %d entries after a local edit, want %d", n, h.before+h.bad+1)
			}
			storedLoadsBack(t, a, h.ledger)
		})
	}
}

// heldCulprit is a receiver's ledger and a batch of another member's
// entries for it, whose change at index bad (of the changes new to the
// receiver) triggers a fault in the receiver's engine.
type heldCulprit struct {
	a      *node.Node
	aOpts  node.Options
	author *node.Node
	sp     node.Space
	ledger string
	frame  replicate.FrameIn
	fresh  [][32]byte // the changes new to a, in the batch's order
	bad    int
	before int // entries a showed before the batch
}

// newHeldCulprit makes a batch of 20 entries of Bo's for Amina's ledger
// (sharedLedger, entriesFrame) and Amina's options with the fault (an
// environment variable of faulty_engine_test.go) on the change at index
// bad of the new ones.
func newHeldCulprit(t *testing.T, fault string, bad int) *heldCulprit {
	t.Helper()
	ctx := t.Context()
	h := &heldCulprit{bad: bad}
	h.a, h.aOpts, h.author, h.sp, h.ledger = sharedLedger(t)
	const entries = 20
	h.frame = entriesFrame(t, h.author, h.sp, h.ledger, entries)
	have := storedSet(t, h.a, h.ledger)
	for _, raw := range h.frame.Chunks {
		if c := must[*wire.Change](t)(wire.ParseChange(raw)); !have[c.Hash] {
			h.fresh = append(h.fresh, c.Hash)
		}
	}
	if len(h.fresh) != entries {
		t.Fatalf("%d new changes, want %d", len(h.fresh), entries)
	}
	h.aOpts.Engine.Env = append(os.Environ(), fault+"="+wire.HashHex(h.fresh[bad]))
	h.before = len(must[[]node.LedgerEntry](t)(h.a.Entries(ctx, h.sp)))
	return h
}

// open reopens the receiver with the fault, its engine holding the ledger
// (loaded) or not, and returns it.
func (h *heldCulprit) open(t *testing.T, loaded bool) *node.Node {
	t.Helper()
	h.a = reopen(t, h.a, h.aOpts)
	must[[]node.LedgerEntry](t)(h.a.Entries(t.Context(), h.sp)) // loads the ledger in the engine
	if !loaded {
		h.a = reopen(t, h.a, h.aOpts)
	}
	return h.a
}

// culpritGone checks that n holds the batch's changes before the culprit
// and none from it on, shows the entries that holds, and quarantined only
// the culprit, by its author.
func (h *heldCulprit) culpritGone(t *testing.T, n *node.Node, when string) {
	t.Helper()
	ctx := t.Context()
	have := storedSet(t, n, h.ledger)
	for i, c := range h.fresh {
		if have[c] != (i < h.bad) {
			t.Fatalf("%s: change %d of the batch stored = %v; want the %d before the culprit kept, the rest dropped", when, i, have[c], h.bad)
		}
	}
	if got := len(must[[]node.LedgerEntry](t)(n.Entries(ctx, h.sp))); got != h.before+h.bad {
		t.Fatalf("%s: %s shows %d entries, want %d", when, n.Name(), got, h.before+h.bad)
	}
	q := must[[]store.Quarantined](t)(n.Quarantined(ctx))
	if len(q) != 1 || q[0].Hash != h.fresh[h.bad] || node.PeerID(q[0].Author) != h.author.PeerID() {
		t.Fatalf("%s: quarantined = %+v, want only %s by %s", when, q, wire.HashHex(h.fresh[h.bad]), h.author.PeerID())
	}
}

// storedSet is the set of the hashes of n's stored changes of doc.
func storedSet(t *testing.T, n *node.Node, doc string) map[[32]byte]bool {
	t.Helper()
	out := map[[32]byte]bool{}
	for _, h := range must[[][32]byte](t)(node.StoredHashes(context.Background(), n, doc)) {
		out[h] = true
	}
	return out
}

// refusedChange reports whether res names the change hash among its refusals.
func refusedChange(res node.IngestResult, hash [32]byte) bool {
	for _, r := range res.Refusals {
		if r.Change == wire.HashHex(hash) {
			return true
		}
	}
	return false
}

// TestHeldFeedStoresLargeBatch: a large batch of a stored ledger, fed to
// the engine in parts while the store takes it, ends with every change
// stored and shown, and the document saves and loads in a fresh engine.
func TestHeldFeedStoresLargeBatch(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, _, b, sp, ledger := sharedLedger(t)
	before := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)))
	const entries = 30
	frame := entriesFrame(t, b, sp, ledger, entries)
	feeds := node.HeldFeedsStarted()
	res, err := a.Ingest(ctx, sp.ID, ledger, frame.Chunks, frame.Atts)
	if err != nil || res.Stored != entries {
		t.Fatalf("ingest = %+v, %v; want %d stored", res, err, entries)
	}
	if node.HeldFeedsStarted() == feeds {
		t.Fatal("the batch was not fed to the engine while it was stored")
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != before+entries {
		t.Fatalf("a shows %d entries, want %d", n, before+entries)
	}
	storedLoadsBack(t, a, ledger)
}

// sharedLedger makes two members, a and b, of one space whose ledger holds
// one entry of a's, which b has too, and returns them, a's options and the
// ledger's ID.
func sharedLedger(t *testing.T) (a *node.Node, aOpts node.Options, b *node.Node, sp node.Space, ledger string) {
	t.Helper()
	ctx := t.Context()
	a, aOpts = initNode(t, "Amina")
	b, _ = initNode(t, "Bo")
	sp = must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	exchange(t, a, b, sp)
	return a, aOpts, b, sp, must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
}

// countStored reopens a with an OnStored that counts the changes it is
// told of in ledger, and returns a and the count.
func countStored(t *testing.T, a *node.Node, aOpts node.Options, ledger string) (*node.Node, *atomic.Int64) {
	t.Helper()
	told := new(atomic.Int64)
	aOpts.OnStored = func(_, doc string, n int) {
		if doc == ledger {
			told.Add(int64(n))
		}
	}
	return reopen(t, a, aOpts), told
}

// entriesFrame makes n new ledger entries on b (addEntries) and returns
// b's ledger changes as one sync frame (framesOf).
func entriesFrame(t *testing.T, b *node.Node, sp node.Space, ledger string, n int) replicate.FrameIn {
	t.Helper()
	addEntries(t, b, sp, n)
	return framesOf(t, b, sp, ledger)[0]
}
