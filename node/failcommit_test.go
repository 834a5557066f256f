package node_test

import (
	"errors"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestCommitFailsAfterEngine fails the store transaction after the engine
// has committed a change: nothing is half-written, the engine's copy is
// discarded, and later edits work and are attested.
func TestCommitFailsAfterEngine(t *testing.T) {
	n, opts := initNode(t, "Gil")
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Fund"))
	entry := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	first := must[string](t)(n.AddEntry(ctx, sp, entry))

	boom := errors.New("disk full")
	node.SetFailAfterEngine(n, func(string) error { return boom })
	if _, err := n.AddEntry(ctx, sp, entry); !errors.Is(err, boom) {
		t.Fatalf("add with a failing commit = %v, want %v", err, boom)
	}
	node.SetFailAfterEngine(n, nil)

	ents := must[[]node.LedgerEntry](t)(n.Entries(ctx, sp))
	if len(ents) != 1 || ents[0].ID != first {
		t.Fatalf("after the failed commit the ledger holds %+v; want only %s", ents, first)
	}
	second := must[string](t)(n.AddEntry(ctx, sp, entry))
	n = reopen(t, n, opts)
	ents = must[[]node.LedgerEntry](t)(n.Entries(ctx, sp))
	if len(ents) != 2 || ents[0].ID != first || ents[1].ID != second {
		t.Fatalf("after reopening the ledger holds %+v", ents)
	}
	if f := must[[]node.Finding](t)(n.Audit(ctx, sp)); len(f) != 0 {
		t.Fatalf("audit after the failed commit: %+v", f)
	}
	if err := n.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}
