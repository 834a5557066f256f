package node_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
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

// TestRolledBackBarLifted: received changes that take a case study past
// the total of ops a node opens (lowered here to 20,000: three concurrent
// chains of 8,000) bar it in their ingest's transaction; when that
// transaction rolls back the store holds none of them, so the case is not
// barred: it reads, as before, and status lists nothing. Sent again and
// committed, they bar it.
func TestRolledBackBarLifted(t *testing.T) {
	const limit, chars = 20_000, 8_000
	node.SetDocTotalOpsLimit(t, limit)
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	hn, _ := initNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, hn, sp)
	id := must[string](t)(hn.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Trap"}}))
	exchange(t, hn, a, sp)
	must[model.CaseStudy](t)(a.Case(ctx, sp, id)) // open in a's engine
	var baseRaw [][]byte
	for _, c := range must[[]replicate.Change](t)(hn.SyncLocal().Missing(ctx, sp.ID, id, nil)) {
		baseRaw = append(baseRaw, c.Raw)
	}
	hid := node.IdentityOf(hn)
	var raws, atts [][]byte
	for _, lang := range []string{"es", "fr", "de"} {
		chain := forgeBodies(t, baseRaw, seal.NewActor(hid.Public), []string{lang}, chars)
		raws, atts = append(raws, chain[0]), append(atts, attest(t, hid, sp.ID, id, chain[0]))
	}

	stop := node.FailCommits(t, a, func() error { return errors.New("the disk is full") })
	if _, err := a.Ingest(ctx, sp.ID, id, raws, atts); err == nil {
		t.Fatal("premise: the ingest committed")
	}
	stop()
	if total := node.DocTotalOps(a, id); total > limit {
		t.Fatalf("premise: the store counts %d ops after the rollback", total)
	}
	if over := a.OverOpsDocs(); len(over) != 0 {
		t.Fatalf("after the rolled back ingest %v listed past the total", over)
	}
	if _, err := a.Case(ctx, sp, id); err != nil {
		t.Fatalf("after the rolled back ingest the case does not read: %v", err)
	}

	if res, err := a.Ingest(ctx, sp.ID, id, raws, atts); err != nil || res.Stored != len(raws) {
		t.Fatalf("ingest sent again = %+v, %v; want it stored", res, err)
	}
	if over := a.OverOpsDocs(); len(over) != 1 || over[0].Doc != id {
		t.Fatalf("committed, %v listed past the total, want %s", over, id)
	}
	if _, err := a.Case(ctx, sp, id); !errors.Is(err, node.ErrInvalid) {
		t.Fatalf("committed, the case past the total reads: %v, want ErrInvalid", err)
	}
}

// TestUntypedNewDocPastTotalComesTyped: a document new to b and past the
// total of ops a node opens (20,000 here), sent with no type (only a
// modified client omits it: Ingest gives none), is refused and nothing of
// it stored; the same changes from a member that holds the document, typed
// as every honest sender sends it, are stored and barred, and a and b
// hold the same changes (decision 0075).
func TestUntypedNewDocPastTotalComesTyped(t *testing.T) {
	const limit, chars = 20_000, 8_000
	node.SetDocTotalOpsLimit(t, limit)
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	hn, _ := initNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, hn, sp)
	exchange(t, a, b, sp)
	id := must[string](t)(hn.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Trap"}}))
	hid := node.IdentityOf(hn)
	var baseRaw, raws, atts [][]byte
	for _, c := range must[[]replicate.Change](t)(hn.SyncLocal().Missing(ctx, sp.ID, id, nil)) {
		baseRaw = append(baseRaw, c.Raw)
		raws, atts = append(raws, c.Raw), append(atts, c.Attestation)
	}
	for _, lang := range []string{"es", "fr", "de"} {
		chain := forgeBodies(t, baseRaw, seal.NewActor(hid.Public), []string{lang}, chars)
		raws, atts = append(raws, chain[0]), append(atts, attest(t, hid, sp.ID, id, chain[0]))
	}

	if _, err := b.Ingest(ctx, sp.ID, id, raws, atts); !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "gave no type") {
		t.Fatalf("untyped document past the total: %v, want ErrInvalid saying no type was given", err)
	}
	if stored := node.StoredChangeHashes(b, id); len(stored) != 0 {
		t.Fatalf("b stored %d changes of the refused document", len(stored))
	}
	exchange(t, hn, a, sp) // typed, within the total
	if res, err := a.Ingest(ctx, sp.ID, id, raws, atts); err != nil || res.Stored != 3 {
		t.Fatalf("a takes the chains: %+v, %v", res, err)
	}
	exchange(t, a, b, sp) // typed, past the total
	for _, n := range []*node.Node{a, b} {
		if over := n.OverOpsDocs(); len(over) != 1 || over[0].Doc != id {
			t.Fatalf("%s lists %v past the total, want %s", n.Name(), over, id)
		}
	}
	if sa, sb := node.StoredChangeHashes(a, id), node.StoredChangeHashes(b, id); len(sa) != len(raws) || !slices.Equal(sa, sb) {
		t.Fatalf("a holds %d changes of the document, b %d; want the same %d", len(sa), len(sb), len(raws))
	}
}
