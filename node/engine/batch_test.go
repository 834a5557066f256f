package engine_test

import (
	"errors"
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// TestApplyMany: one call loads a new document, applies to a held one, and
// reports a document it does not hold and a refused change on their own,
// without stopping the others.
func TestApplyMany(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	first := createLedger(t, e, "src", actor(0xaa))
	more, err := addEntry(ctx, e, "src")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Load(ctx, "held", first, actor(0xbb)); err != nil {
		t.Fatal(err)
	}
	res, err := e.ApplyMany(ctx, []engine.DocApply{
		{Doc: "new", Load: true, Actor: actor(0xcc), Changes: append(append([][]byte(nil), first...), more...), Check: true, View: true},
		{Doc: "held", Changes: more, Check: true},
		{Doc: "absent", Changes: more, Check: true},
		{Doc: "bad", Load: true, Actor: actor(0xdd), Changes: [][]byte{[]byte("not a change")}, View: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := res[0].Error(); err != nil || res[0].View == nil || res[0].View.Ledger == nil || len(res[0].View.Ledger.Entries) != 1 {
		t.Fatalf("new document: %+v, %v; want a ledger view with one entry", res[0], err)
	}
	if err := res[1].Error(); err != nil || len(res[1].Heads) != 1 {
		t.Fatalf("held document: %+v, %v", res[1], err)
	}
	if v, err := e.View(ctx, "held"); err != nil || len(v.Ledger.Entries) != 1 {
		t.Fatalf("held document after apply: %+v, %v", v, err)
	}
	if err := res[2].Error(); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("absent document: %v, want ErrNotLoaded", err)
	}
	if err := res[3].Error(); err == nil {
		t.Fatal("a garbage change loaded")
	}
	if _, err := e.View(ctx, "bad"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("the failed document is still held: %v", err)
	}
}
