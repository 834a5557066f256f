package node_test

import (
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestStoredChangeThatKillsEngineIsRepaired: a change stored that the
// engine dies on when the document loads (what a crash in decision 0032's
// window, between the commit and the engine's apply, leaves) no longer
// makes the document unreadable (decision 0042). Whatever loads the
// document first (a read, an ingest into it, a local edit) replays the
// stored history in fresh copies, finds the change, quarantines it by its
// attested author, drops it with the change that depends on it, and goes
// on with the rest; the document then takes ingests and edits, and the
// store verifies.
func TestStoredChangeThatKillsEngineIsRepaired(t *testing.T) {
	for _, first := range []string{"read", "ingest", "edit"} {
		t.Run(first, func(t *testing.T) { storedChangeRepaired(t, first) })
	}
}

func storedChangeRepaired(t *testing.T, first string) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, bOpts := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	c, _ := initNode(t, "Chen")
	joinSpace(t, a, c, sp)
	exchange(t, a, b, sp) // b holds the ledger
	exchange(t, a, c, sp) // so does c, before the change that breaks it
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	entry := func(n *node.Node, amount int64) string {
		t.Helper()
		return must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: amount, Currency: "EUR"}))
	}
	newest := func() string {
		t.Helper()
		changes := must[[]replicate.Change](t)(a.SyncLocal().Missing(ctx, sp.ID, ledger, nil))
		return hashHex(t, changes[len(changes)-1].Raw)
	}
	own := entry(b, 3)
	entry(a, 500)
	target := newest()
	entry(a, 7)
	dependent := newest()
	exchange(t, a, b, sp)
	if got := len(must[[]node.LedgerEntry](t)(b.Entries(ctx, sp))); got != 3 {
		t.Fatalf("b shows %d entries before the fault, want 3", got)
	}

	// From now on b's engine dies on the first entry's change, as the core
	// dies on input it cannot handle.
	bOpts.Engine = engine.Config{Env: append(os.Environ(), faultKillEnv+"="+target)}
	b = reopen(t, b, bOpts)
	want := []string{own}
	switch first {
	case "read":
	case "ingest": // a's next entry depends on the two dropped: it goes too
		entry(a, 9)
		exchange(t, a, b, sp)
	case "edit":
		want = append(want, entry(b, 1))
	}
	entriesAre(t, b, sp, want, "after the repair")
	if node.EngineRestarts(b) < 2 {
		t.Fatalf("engine restarts = %d: the change did not kill the engine twice", node.EngineRestarts(b))
	}
	q := must[[]store.Quarantined](t)(b.Quarantined(ctx))
	if len(q) != 1 || wire.HashHex(q[0].Hash) != target || node.PeerID(q[0].Author) != a.PeerID() {
		t.Fatalf("quarantined = %+v, want the change %s by %s", q, target, a.PeerID())
	}
	var stored []string
	for _, raw := range node.DocChanges(b, ledger) {
		stored = append(stored, hashHex(t, raw))
	}
	if slices.Contains(stored, target) || slices.Contains(stored, dependent) {
		t.Fatal("the change or the one that depends on it is still stored")
	}

	// The document takes local edits and other members' changes again
	// (Chen's entry does not depend on what was dropped).
	want = append(want, entry(b, 2), entry(c, 4))
	exchange(t, c, b, sp)
	entriesAre(t, b, sp, want, "after two more edits")
	if err := b.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

// entriesAre checks that n's ledger in sp shows exactly the entries want
// (in any order).
func entriesAre(t *testing.T, n *node.Node, sp node.Space, want []string, when string) {
	t.Helper()
	var got []string
	for _, e := range must[[]node.LedgerEntry](t)(n.Entries(t.Context(), sp)) {
		got = append(got, e.ID)
	}
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("%s shows entries %v %s, want %v", n.Name(), got, when, want)
	}
}

// TestUncleanShutdownFindsMutant: a node that crashes while a change that
// breaks the saved form is stored unchecked (decision 0021's list is in
// memory) finds it when it opens again (decision 0042): the lock file says
// the last process did not close the home, so Open checks every stored
// document, traces the failure to the change, quarantines it by its
// attested author and drops it, before anything reads the document. A
// clean close is followed by no such check.
func TestUncleanShutdownFindsMutant(t *testing.T) {
	ctx := t.Context()
	d := deferredMutant(t)
	a := d.a
	node.Crash(a)

	a = must[*node.Node](t)(node.Open(ctx, d.aOpts))
	t.Cleanup(func() { a.Close() })
	if node.Unchecked(a, d.cal) != 0 {
		t.Fatal("the reopened node knows of unchecked changes: the test does not play a crash")
	}
	assertQuarantinedOnce(t, a, d.cal, d.pc.Hash, d.m)
	if n := len(must[[]node.CalendarEvent](t)(a.Events(ctx, d.sp, ""))); n != 20+1 {
		t.Fatalf("a shows %d events, want 21 (its own 20, Bo's 1)", n)
	}
	storedLoadsBack(t, a, d.cal)

	// Closed cleanly, the next Open checks nothing.
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a = must[*node.Node](t)(node.Open(ctx, d.aOpts))
	t.Cleanup(func() { a.Close() })
	if trips := must[int](t)(node.EngineRoundTrips(a)); trips != 0 {
		t.Fatalf("Open after a clean close made %d round-trip checks, want none", trips)
	}
}

// TestUncleanShutdownOutlivesFailedOpen: after a crash, an Open that fails
// before its check (a wrong passphrase) leaves the home marked as not
// closed cleanly, so the next Open still checks every stored document; a
// clean close after that check ends it.
func TestUncleanShutdownOutlivesFailedOpen(t *testing.T) {
	ctx := t.Context()
	opts := passOpts(t, "correct horse")
	n := must[*node.Node](t)(node.Init(ctx, opts, "Eve"))
	must[node.Space](t)(n.CreateSpace(ctx, "Fund")) // documents to check
	node.Crash(n)

	right := opts.Passphrase
	opts.Passphrase = func() ([]byte, error) { return []byte("wrong"), nil }
	if _, err := node.Open(ctx, opts); !errors.Is(err, node.ErrWrongPassphrase) {
		t.Fatalf("open with a wrong passphrase = %v", err)
	}
	opts.Passphrase = right
	for i, want := range []bool{true, false} {
		n = must[*node.Node](t)(node.Open(ctx, opts))
		trips := must[int](t)(node.EngineRoundTrips(n))
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
		if checked := trips > 0; checked != want {
			t.Fatalf("open %d: %d round-trip checks; want a check of every document: %v", i+1, trips, want)
		}
	}
}
