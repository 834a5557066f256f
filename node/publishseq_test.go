package node_test

import (
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestEditNotPublishedOverTakenSeq (decision 0053): a typed edit's change is
// published before its insert only when no stored change holds its actor and
// seq. Here a's store holds a change under a's own ledger actor and next seq
// that a's engine does not: the edit the engine then makes under that seq is
// not published (it would be an equivocation of a's own, for which every
// peer quarantines a), and its insert refuses it. The next edit, with the
// engine and the store agreeing again (the failed edit dropped the ledger
// from the engine), is published before its insert.
func TestEditNotPublishedOverTakenSeq(t *testing.T) {
	ctx := t.Context()
	a, _, _, sp, ledger := pacedPair(t)
	actor := node.LeaseOf(a, ledger)
	if actor == nil {
		t.Fatal("premise: a holds no lease for the ledger after its edits")
	}
	addEntry := func(d *am.Doc) error {
		return d.Path("entries", 0).Set(map[string]any{"id": model.NewID(), "amount_minor": int64(5)})
	}
	behind := forge(t, node.DocChanges(a, ledger), actor, addEntry)
	if err := node.StoreBehindEngine(ctx, a, ledger, behind); err != nil {
		t.Fatalf("store a change under a's actor and next seq, without the engine: %v", err)
	}
	early := node.PublishedEarly(a)
	if _, err := a.AddEntry(ctx, sp, entry(71)); err == nil {
		t.Fatal("a stored an edit under an actor and seq its store already holds")
	}
	if got := node.PublishedEarly(a); got != early {
		t.Fatalf("a published %d changes before their insert under a seq its store holds", got-early)
	}
	must[string](t)(a.AddEntry(ctx, sp, entry(72)))
	if node.PublishedEarly(a) == early {
		t.Fatal("premise: a's next edit was not published before its insert")
	}
}
