package node_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/store"
)

// text is n characters of plain text: n ops once spliced into a body.
func text(n int) string { return strings.Repeat("abcdefghi ", n/10+1)[:n] }

// fillCase adds bodies to case id until its op counter is within room ops
// of store.MaxDocOps.
func fillCase(t *testing.T, n *node.Node, sp node.Space, id string, room uint64) {
	t.Helper()
	for i := 0; ; i++ {
		left := store.MaxDocOps - node.DocMaxOp(n, id) - room
		if left < 100 {
			return
		}
		body := text(int(min(left-50, 100_000)))
		lang := []string{"en", "es", "fr", "de", "it", "nl"}[i]
		if err := n.PatchCase(t.Context(), sp, id, model.CasePatch{Lang: lang, Body: &body}); err != nil {
			t.Fatalf("fill %s: %v", lang, err)
		}
	}
}

// TestEditPastOpBudgetRefused: a case study filled close to its op budget
// refuses an edit that would take it past, with an error that says to split
// the text and matches ErrInvalid (exit code 2, HTTP 400); a large edit is
// refused before the engine makes it, a small one after (by the reserve kept
// for a ledger's continuation, decision 0071, ahead of the store's check); the
// document is unchanged either way and a small edit within the budget still
// goes in.
func TestEditPastOpBudgetRefused(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	id := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	fillCase(t, a, sp, id, 3000)
	var engineMade atomic.Int64
	node.SetFailAfterEngine(a, func(string) error { engineMade.Add(1); return nil })
	before := node.StoredChangeHashes(a, id)
	refused := func(t *testing.T, lang string, chars int) {
		t.Helper()
		body := text(chars)
		err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: lang, Body: &body})
		if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "split the text into a new case study") {
			t.Fatalf("edit of %d characters at %d of %d ops: %v, want ErrInvalid saying to split", chars,
				node.DocMaxOp(a, id), store.MaxDocOps, err)
		}
		if after := node.StoredChangeHashes(a, id); !slices.Equal(after, before) {
			t.Fatalf("stored changes went from %d to %d", len(before), len(after))
		}
		c := must[model.CaseStudy](t)(a.Case(ctx, sp, id))
		if _, ok := c.Bodies[lang]; ok {
			t.Fatalf("the refused %s body is in the view", lang)
		}
	}
	t.Run("large edit, refused before the engine", func(t *testing.T) {
		refused(t, "pt", 50_000)
		if engineMade.Load() != 0 {
			t.Fatal("the engine made the refused edit")
		}
	})
	t.Run("small edit, refused after the engine made it", func(t *testing.T) {
		refused(t, "ar", 3900)
	})
	t.Run("small edit within the budget", func(t *testing.T) {
		title := "Rent strike, 2026"
		if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Title: &title}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOpBudgetMessageSaysLimit: the refusal of a local edit past the op
// budget says the node's limit, the one that refused (here the test
// knob's 12,000 ops, less the 1,000 kept for a continuation), not the
// store's: for a large edit refused by its estimate before the engine and
// for a small one refused by its change's op counter after it.
func TestOpBudgetMessageSaysLimit(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	const budget = 12_000
	node.SetDocOps(a, budget)
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	id := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	body := text(8_000)
	if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Body: &body}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the %d operations local edits may reach (its budget of %d less %d", budget-node.OpReserve, budget, node.OpReserve)
	for _, c := range []struct {
		name  string
		lang  string
		chars int
	}{
		{"large edit, refused by its estimate", "es", 5_000},
		{"small edit, refused by its op counter", "fr", 3_500},
	} {
		body := text(c.chars)
		err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: c.lang, Body: &body})
		if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s at %d ops: %v, want ErrInvalid saying %q", c.name, node.DocMaxOp(a, id), err, want)
		}
	}
}
