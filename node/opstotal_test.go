package node_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestLocalEditPastTotalOpsRefused: a local edit whose changes would take
// its document past the total of ops a node opens (lowered here to 5,000)
// is refused with ErrInvalid, nothing of it stored or left in the engine's
// copy; the document is not barred (its stored total is within the limit),
// still reads and takes a small edit.
func TestLocalEditPastTotalOpsRefused(t *testing.T) {
	const limit = 5_000
	node.SetDocTotalOpsLimit(t, limit)
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	id := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	body := text(3000)
	if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Body: &body}); err != nil {
		t.Fatal(err)
	}
	before := node.StoredChangeHashes(a, id)
	body = text(2500)
	err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "es", Body: &body})
	if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "operations in all") {
		t.Fatalf("an edit past the total: %v, want ErrInvalid saying so", err)
	}
	if after := node.StoredChangeHashes(a, id); !slices.Equal(after, before) {
		t.Fatalf("stored changes went from %d to %d", len(before), len(after))
	}
	if total := node.DocTotalOps(a, id); total > limit {
		t.Fatalf("the store counts %d ops, past %d", total, limit)
	}
	c := must[model.CaseStudy](t)(a.Case(ctx, sp, id))
	if _, ok := c.Bodies["es"]; ok {
		t.Fatal("the refused body is in the view")
	}
	title := "Rent strike, 2026"
	if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatalf("a small edit within the total: %v", err)
	}
	if st := must[node.Status](t)(a.Status(ctx)); len(st.OverOps) != 0 {
		t.Fatalf("status lists %v past the total", st.OverOps)
	}
}
