package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// TestEditMany: one call commits every edit, one change each, in order;
// an edit that fails leaves the engine without the document, so that
// nothing of the call survives until it is reloaded.
func TestEditMany(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	createLedger(t, e, "doc", actor(0xaa))
	var edits []model.Edit
	for i := range 50 {
		ent := model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR"}
		edits = append(edits, model.Edit{AddEntry: &ent})
	}
	chunks, err := e.EditMany(ctx, "doc", edits, at)
	if err != nil || len(chunks) != len(edits) {
		t.Fatalf("EditMany made %d change(s), %v; want %d", len(chunks), err, len(edits))
	}
	v, err := e.View(ctx, "doc")
	if err != nil || len(v.Ledger.Entries) != len(edits) {
		t.Fatalf("view after EditMany: %+v, %v", v, err)
	}
	for i, en := range v.Ledger.Entries {
		if en.ID != edits[i].AddEntry.ID {
			t.Fatalf("entry %d is %s, want %s: out of order", i, en.ID, edits[i].AddEntry.ID)
		}
	}

	dup := *edits[0].AddEntry
	ok := model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "out", AmountMinor: 5, Currency: "EUR"}
	_, err = e.EditMany(ctx, "doc", []model.Edit{{AddEntry: &ok}, {AddEntry: &dup}}, at)
	if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "edit 2 of 2") {
		t.Fatalf("a duplicate entry ID: %v; want ErrInvalid naming edit 2 of 2", err)
	}
	if _, err := e.View(ctx, "doc"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("the document is still held after a failed EditMany: %v", err)
	}
	if _, err := e.EditMany(ctx, "doc", edits[:1], at); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("EditMany on a document not held: %v, want ErrNotLoaded", err)
	}
}
