package node_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestHeldFeedBlamesCulprit: a large batch of a ledger the receiver
// already stores is applied in the engine while the store takes it
// (decision 0028), in parts; a change in a later part that kills the
// engine, and kills it again replayed alone, is quarantined alone, by its
// attested author, and nothing of the batch is kept; the ledger stays
// usable. Run with the engine holding the ledger (the feed applies to its
// copy) and without (the feed loads it from the store first).
func TestHeldFeedBlamesCulprit(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	for _, loaded := range []bool{false, true} {
		t.Run(fmt.Sprintf("loaded=%v", loaded), func(t *testing.T) {
			ctx := t.Context()
			a, aOpts, b, sp, ledger := sharedLedger(t)
			const entries = 20
			frame := entriesFrame(t, b, sp, ledger, entries)
			var fresh [][]byte // b's new changes, in order
			have := map[[32]byte]bool{}
			for _, h := range must[[][32]byte](t)(node.StoredHashes(ctx, a, ledger)) {
				have[h] = true
			}
			for _, raw := range frame.Chunks {
				if c := must[*wire.Change](t)(wire.ParseChange(raw)); !have[c.Hash] {
					fresh = append(fresh, raw)
				}
			}
			if len(fresh) != entries {
				t.Fatalf("%d new changes, want %d", len(fresh), entries)
			}
			target := hashHex(t, fresh[13]) // in the fourth part
			aOpts.Engine = engine.Config{Env: append(os.Environ(), faultKillEnv+"="+target)}
			a = reopen(t, a, aOpts)
			before := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))) // loads the ledger in the engine
			if !loaded {
				a = reopen(t, a, aOpts)
			}
			feeds := node.HeldFeedsStarted()

			_, err := a.Ingest(ctx, sp.ID, ledger, frame.Chunks, frame.Atts)
			if !errors.Is(err, node.ErrQuarantined) {
				t.Fatalf("ingest = %v, want ErrQuarantined", err)
			}
			if node.HeldFeedsStarted() == feeds {
				t.Fatal("the batch was not fed to the engine while it was stored")
			}
			q := must[[]store.Quarantined](t)(a.Quarantined(ctx))
			if len(q) != 1 || wire.HashHex(q[0].Hash) != target || node.PeerID(q[0].Author) != b.PeerID() {
				t.Fatalf("quarantined = %+v, want only %s by %s", q, target, b.PeerID())
			}
			if restarts := node.EngineRestarts(a); restarts < 2 {
				t.Fatalf("engine restarts = %d: the batch was not replayed alone", restarts)
			}
			if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != before {
				t.Fatalf("a shows %d entries, had %d: part of the refused batch was kept", n, before)
			}
			must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 2, Currency: "EUR"}))
			if err := a.Verify(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
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

// entriesFrame makes n new ledger entries on b (addEntries) and returns
// b's ledger changes as one sync frame (framesOf).
func entriesFrame(t *testing.T, b *node.Node, sp node.Space, ledger string, n int) replicate.FrameIn {
	t.Helper()
	addEntries(t, b, sp, n)
	return framesOf(t, b, sp, ledger)[0]
}
