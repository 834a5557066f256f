package node_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/store"
)

// TestConcurrentEditsNearOpBudgetConverge: two members edit a case study
// close to its op budget at once, each edit within it, both together past
// what is left of it. Each receives the other's change after its own, in
// the other order from the other: both keep both changes and show the same
// case, because the budget bounds a change's op counter, which its causal
// history fixes, not the sum of what a node happens to hold.
func TestConcurrentEditsNearOpBudgetConverge(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	id := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	const room, chars = 6000, 4000 // each edit fits in the room left, both do not
	fillCase(t, a, sp, id, room)
	exchange(t, a, b, sp)

	for _, e := range []struct {
		n    *node.Node
		lang string
	}{{a, "pt"}, {b, "ar"}} {
		body := text(chars)
		if err := e.n.PatchCase(ctx, sp, id, model.CasePatch{Lang: e.lang, Body: &body}); err != nil {
			t.Fatalf("%s's edit: %v", e.n.Name(), err)
		}
	}
	for _, r := range []node.BundleReport{exchange(t, a, b, sp), exchange(t, b, a, sp)} {
		if r.Refused != 0 {
			t.Fatalf("refused %d changes: %+v", r.Refused, r.Refusals)
		}
	}
	hashes := func(n *node.Node) [][32]byte {
		h := node.StoredChangeHashes(n, id)
		slices.SortFunc(h, func(x, y [32]byte) int { return bytes.Compare(x[:], y[:]) })
		return h
	}
	if ha, hb := hashes(a), hashes(b); !slices.Equal(ha, hb) {
		t.Fatalf("a holds %d changes, b %d: the replicas diverged", len(ha), len(hb))
	}
	for _, n := range []*node.Node{a, b} {
		c := must[model.CaseStudy](t)(n.Case(ctx, sp, id))
		if len(c.Bodies["pt"]) != chars || len(c.Bodies["ar"]) != chars {
			t.Fatalf("%s shows pt %d and ar %d characters, want %d each", n.Name(), len(c.Bodies["pt"]), len(c.Bodies["ar"]), chars)
		}
	}
	if m := node.DocMaxOp(a, id); m > store.MaxDocOps {
		t.Fatalf("op counter %d past the budget %d", m, store.MaxDocOps)
	}
}
