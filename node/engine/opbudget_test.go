package engine_test

import (
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestDocumentAtOpBudgetLoadsInFreshEngine: a case study whose op counter is
// at store.MaxDocOps (three bodies of text, the costliest ops) loads into a
// fresh engine run with the default address-space margin, and costs it less
// than half of that margin: a repair replaying an honest document within
// the budget cannot see the engine die of memory and blame the change that
// took it there (decision 0065).
func TestDocumentAtOpBudgetLoadsInFreshEngine(t *testing.T) {
	ctx := t.Context()
	maker := newEngine(t, engine.Config{})
	chunks, err := maker.Create(ctx, "case", model.Create{Type: model.Case, Space: model.NewID(),
		Case: &model.CaseStudy{ID: model.NewID()}}, actor(0xaa), at)
	if err != nil {
		t.Fatal(err)
	}
	var ops uint64
	for _, lang := range []string{"en", "es", "fr"} {
		body := strings.Repeat("abcdefghi ", store.MaxDocOps/30-2)
		out, err := maker.Edit(ctx, "case", model.Edit{PatchCase: &model.CasePatch{Lang: lang, Body: &body}}, at)
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, out...)
	}
	for _, c := range chunks {
		n, err := wire.CountOps(c)
		if err != nil {
			t.Fatal(err)
		}
		ops += n
	}
	if ops < store.MaxDocOps-100 || ops > store.MaxDocOps {
		t.Fatalf("the document holds %d ops, want just under %d", ops, store.MaxDocOps)
	}
	maker.Close()

	fresh := newEngine(t, engine.Config{})
	before, _, err := fresh.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Load(ctx, "case", chunks, actor(0xbb)); err != nil {
		t.Fatalf("a document at the op budget does not load: %v", err)
	}
	if _, err := fresh.Check(ctx, "case"); err != nil {
		t.Fatalf("a document at the op budget does not save and load back: %v", err)
	}
	after, _, err := fresh.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const margin = 768 << 20 // server's defaultMarginMB
	if grew := after - before; grew > margin/2 || fresh.Restarts() != 0 {
		t.Fatalf("loading %d ops grew the engine by %d MiB (restarts %d), want under %d MiB", ops, grew>>20, fresh.Restarts(), margin>>21)
	}
	t.Logf("%d ops: engine grew by %d MiB", ops, (after-before)>>20)
}
