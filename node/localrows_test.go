package node_test

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestLocalPreparedRows: with the store rows of local changes prepared on
// the signing workers (decision 0036) and without, an import of several
// engine groups and a single entry store every change once, attested
// (the audit finds nothing) and queued to publish; the prepared path is
// the one taken for each change when on, and never when off.
func TestLocalPreparedRows(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	defer node.SetLocalPrepare(node.SetLocalPrepare(true))
	entries := make([]model.Entry, 300) // groups of 32, 64, 128 and 76
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
	for _, on := range []bool{true, false} {
		node.SetLocalPrepare(on)
		changes, outbox, prepared := spaceChanges(t, a, sp), must[int](t)(node.OutboxLen(ctx, a)), node.PreparedLocal()
		must[node.LedgerImport](t)(a.AddEntries(ctx, sp, entries))
		must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 7, Currency: "EUR"}))
		want := int64(0)
		if on {
			want = int64(len(entries) + 1)
		}
		if got := node.PreparedLocal() - prepared; got != want {
			t.Fatalf("prepare on %v: %d change(s) prepared on the workers, want %d", on, got, want)
		}
		if n := spaceChanges(t, a, sp) - changes; n != len(entries)+1 {
			t.Fatalf("prepare on %v: %d new change(s), want %d", on, n, len(entries)+1)
		}
		if n := must[int](t)(node.OutboxLen(ctx, a)) - outbox; n != len(entries)+1 {
			t.Fatalf("prepare on %v: %d new outbox row(s), want %d", on, n, len(entries)+1)
		}
		if f := must[[]node.Finding](t)(a.Audit(ctx, sp)); len(f) != 0 {
			t.Fatalf("prepare on %v: audit: %d finding(s), first %+v: every change must be attested", on, len(f), f[0])
		}
	}
	if n := len(plainEntries(t, a, sp)); n != 2*(len(entries)+1) {
		t.Fatalf("%d entries in the ledger, want %d", n, 2*(len(entries)+1))
	}
}
