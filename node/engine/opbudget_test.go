package engine_test

import (
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestDocumentAtOpBudgetLoadsInFreshEngine: a case study at both bounds,
// its op counter at store.MaxDocOps and its total of ops at
// store.MaxDocTotalOps (two concurrent chains under two actors, each three
// bodies of text, the costliest ops), loads into a fresh engine run with
// the default address-space margin, and costs it less than half of that
// margin: a repair replaying a document within the bounds cannot see the
// engine die of memory and blame the change that took it there (decisions
// 0065 and 0070), and a node opens every document under the total bound.
func TestDocumentAtOpBudgetLoadsInFreshEngine(t *testing.T) {
	ctx := t.Context()
	maker := newEngine(t, engine.Config{})
	created, err := maker.Create(ctx, "case", model.Create{Type: model.Case, Space: model.NewID(),
		Case: &model.CaseStudy{ID: model.NewID()}}, actor(0xaa), at)
	if err != nil {
		t.Fatal(err)
	}
	chunks := created
	for i, langs := range [][]string{{"en", "es", "fr"}, {"de", "it", "nl"}} {
		if i > 0 { // the second chain from the first change alone, under another actor: concurrent with the first
			if err := maker.Drop(ctx, "case"); err != nil {
				t.Fatal(err)
			}
			if _, err := maker.Load(ctx, "case", created, actor(0xcc)); err != nil {
				t.Fatal(err)
			}
		}
		for _, lang := range langs {
			body := strings.Repeat("abcdefghi ", store.MaxDocOps/30-2)
			out, err := maker.Edit(ctx, "case", model.Edit{PatchCase: &model.CasePatch{Lang: lang, Body: &body}}, at)
			if err != nil {
				t.Fatal(err)
			}
			chunks = append(chunks, out...)
		}
	}
	var ops, maxOp uint64
	for _, c := range chunks {
		n, err := wire.CountOps(c)
		if err != nil {
			t.Fatal(err)
		}
		ops += n
		p, err := wire.ParseChange(c)
		if err != nil {
			t.Fatal(err)
		}
		maxOp = max(maxOp, p.MaxOp())
	}
	if maxOp < store.MaxDocOps-100 || maxOp > store.MaxDocOps {
		t.Fatalf("the document's op counter is %d, want just under %d", maxOp, store.MaxDocOps)
	}
	if ops < store.MaxDocTotalOps-200 || ops > store.MaxDocTotalOps {
		t.Fatalf("the document holds %d ops, want just under %d", ops, store.MaxDocTotalOps)
	}
	maker.Close()

	fresh := newEngine(t, engine.Config{})
	before, _, err := fresh.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Load(ctx, "case", chunks, actor(0xbb)); err != nil {
		t.Fatalf("a document at the op bounds does not load: %v", err)
	}
	if _, err := fresh.Check(ctx, "case"); err != nil {
		t.Fatalf("a document at the op bounds does not save and load back: %v", err)
	}
	after, _, err := fresh.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const margin = 768 << 20 // server's defaultMarginMB
	if grew := after - before; grew > margin/2 || fresh.Restarts() != 0 {
		t.Fatalf("loading %d ops grew the engine by %d MiB (restarts %d), want under %d MiB", ops, grew>>20, fresh.Restarts(), margin>>21)
	}
	t.Logf("%d ops, op counter %d: engine grew by %d MiB", ops, maxOp, (after-before)>>20)
}
