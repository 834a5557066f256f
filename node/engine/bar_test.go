package engine_test

import (
	"errors"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// TestBarDropsAndRefuses: Bar drops a document the engine holds and
// refuses every later call naming it, alone or in a batch, with ErrBarred
// and without a restart; a drop of it still succeeds, and another
// document is untouched. Unbar lets calls name it again: it loads afresh.
func TestBarDropsAndRefuses(t *testing.T) {
	ctx := t.Context()
	e := newEngine(t, engine.Config{})
	var chunks [][]byte
	for _, doc := range []string{"barred", "other"} {
		c, err := e.Create(ctx, doc, model.Create{Type: model.Case, Space: model.NewID(),
			Case: &model.CaseStudy{ID: model.NewID()}}, actor(0xaa), at)
		if err != nil {
			t.Fatal(err)
		}
		if doc == "barred" {
			chunks = c
		}
	}
	_, held, err := e.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Bar(ctx, "barred"); err != nil {
		t.Fatal(err)
	}
	if _, after, err := e.Stats(ctx); err != nil || after != held-1 {
		t.Fatalf("the engine holds %d documents after the bar (%v), want %d", after, err, held-1)
	}
	if _, err := e.View(ctx, "barred"); !errors.Is(err, engine.ErrBarred) {
		t.Fatalf("view of the barred document: %v, want ErrBarred", err)
	}
	if _, err := e.Load(ctx, "barred", chunks, actor(0xbb)); !errors.Is(err, engine.ErrBarred) {
		t.Fatalf("load of the barred document: %v, want ErrBarred", err)
	}
	if _, err := e.ApplyMany(ctx, []engine.DocApply{{Doc: "barred", Load: true, Changes: chunks, Actor: actor(0xbb)}}); !errors.Is(err, engine.ErrBarred) {
		t.Fatalf("apply_many naming the barred document: %v, want ErrBarred", err)
	}
	if err := e.Drop(ctx, "barred"); err != nil {
		t.Fatalf("drop of the barred document: %v", err)
	}
	if _, err := e.View(ctx, "other"); err != nil {
		t.Fatalf("view of the other document: %v", err)
	}
	e.Unbar("barred")
	if _, err := e.Load(ctx, "barred", chunks, actor(0xbb)); err != nil {
		t.Fatalf("load of the document once unbarred: %v", err)
	}
	if e.Restarts() != 0 {
		t.Fatalf("%d restarts", e.Restarts())
	}
}
