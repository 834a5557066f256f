package node_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// forgeBodies makes one change per language on top of chunks, under
// actor, each setting that language's body to chars characters: a chain of
// changes, each with the last as its dependency, made by automerge-go
// directly, with no check of weft's.
func forgeBodies(t *testing.T, chunks [][]byte, actor []byte, langs []string, chars int) [][]byte {
	t.Helper()
	d := forgeDoc(t, chunks, actor)
	var out [][]byte
	for _, lang := range langs {
		if err := d.Path("bodies", lang).Set(am.NewText(text(chars))); err != nil {
			t.Fatal(err)
		}
		out = append(out, forgeCommit(t, d, "body"))
	}
	return out
}

// TestHostileDocumentPastOpBudget: a member whose modified client skips its
// own check sends, over /weft/sync on 127.0.0.1, a chain of attested
// changes that takes its case study past store.MaxDocOps. The honest node
// stores the chain up to the budget and refuses the change that passes
// it, before its engine sees it: the engine is not restarted, the document
// reads and takes edits, and the author is not quarantined (the refusal is
// a pure check of the change, not input that killed an engine).
func TestHostileDocumentPastOpBudget(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	hn, _ := serveNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, hn, sp)
	id := must[string](t)(hn.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Trap"}}))
	base := must[[]replicate.Change](t)(hn.SyncLocal().Missing(ctx, sp.ID, id, nil))
	var baseRaw [][]byte
	for _, c := range base {
		baseRaw = append(baseRaw, c.Raw)
	}
	hid := node.IdentityOf(hn)
	const chars = 80_000 // four of them pass the budget, three do not
	chain := forgeBodies(t, baseRaw, seal.NewActor(hid.Public), []string{"en", "es", "fr", "de"}, chars)
	frames := [][]byte{changesFrame(t, sp.ID, id, string(model.Case), baseRaw, [][]byte{base[len(base)-1].Attestation})}
	var atts [][]byte
	for _, raw := range chain {
		atts = append(atts, attest(t, hid, sp.ID, id, raw))
	}
	// One frame, one transaction at a: once the third change is stored,
	// the fourth is decided too.
	frames = append(frames, changesFrame(t, sp.ID, id, string(model.Case), chain, atts))

	hostileStart(t, a)
	hc := startHostile(t, hn, sp.ID)
	hc.setAnswer(answerFrames(t, frames, len(baseRaw)+len(chain)))
	if err := hc.connect(t, a); err != nil {
		t.Fatalf("hostile member connects to a: %v", err)
	}
	restarts := node.EngineRestarts(a)
	pctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	_ = node.PullFrom(pctx, a, hc.h.ID())
	within, past := sha256.Sum256(chain[2][8:]), sha256.Sum256(chain[3][8:])
	hostileEventually(t, "a stores the chain up to the budget", func() error {
		if !slices.Contains(node.StoredChangeHashes(a, id), within) {
			return fmt.Errorf("a holds %d changes of the case", len(node.StoredChangeHashes(a, id)))
		}
		return nil
	})
	if slices.Contains(node.StoredChangeHashes(a, id), past) {
		t.Fatalf("a stored the change past the budget (op counter %d, budget %d)", node.DocMaxOp(a, id), store.MaxDocOps)
	}
	c := must[model.CaseStudy](t)(a.Case(ctx, sp, id))
	if len(c.Bodies["fr"]) != chars || c.Bodies["de"] != "" {
		t.Fatalf("a's view: fr body %d characters, de body %d; want %d and none", len(c.Bodies["fr"]), len(c.Bodies["de"]), chars)
	}
	title := "Trap, annotated"
	if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatalf("an honest edit of the case: %v", err)
	}
	if r := node.EngineRestarts(a); r != restarts {
		t.Fatalf("a's engine restarted %d times", r-restarts)
	}
	if q := must[[]store.Quarantined](t)(a.Quarantined(ctx)); len(q) != 0 {
		t.Fatalf("a quarantined %v; a refusal by a pure check quarantines no one", q)
	}
}
