package node_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// TestConcurrentChainsPastTotalOps: a member whose modified client skips
// every check sends, over /weft/sync on 127.0.0.1, three concurrent chains
// (three actors of its own, each chain from the same base) into a case
// study that the honest node a already holds and has open in its engine.
// Each chain is far within store.MaxDocOps; together they pass the total
// the nodes open (lowered here from store.MaxDocTotalOps to 20,000 ops,
// so that three chains of 8,000 do it). a stores every change, as does b,
// which syncs from a and meets the document first in its full form: the
// two end with the same change sets. Neither engine is given the document
// (a's engine keeps its process, with no restart), no one is quarantined,
// both report the document in their status, reads and edits of it are
// refused with ErrInvalid, and the space's other case study still reads
// and takes edits. The batch that passes the total would be fed to a's
// engine while it is stored (a held document's catch-up, fed here from
// three changes on): it is not, since it may pass the total.
func TestConcurrentChainsPastTotalOps(t *testing.T) {
	const limit, chars = 20_000, 8_000
	node.SetDocTotalOpsLimit(t, limit)
	node.SetHeldFeed(t, 1, 3)
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, bOpts := serveNode(t, "Bao")
	hn, _ := serveNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, hn, sp)
	other := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
	id := must[string](t)(hn.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Trap"}}))
	base := must[[]replicate.Change](t)(hn.SyncLocal().Missing(ctx, sp.ID, id, nil))
	var baseRaw [][]byte
	for _, c := range base {
		baseRaw = append(baseRaw, c.Raw)
	}
	baseFrame := changesFrame(t, sp.ID, id, string(model.Case), baseRaw, [][]byte{base[len(base)-1].Attestation})

	hostileStart(t, a)
	hc := startHostile(t, hn, sp.ID)
	if err := hc.connect(t, a); err != nil {
		t.Fatalf("hostile member connects to a: %v", err)
	}
	// First the case as an honest member makes it: a stores it and opens
	// it in its engine.
	hc.setAnswer(answerFrames(t, [][]byte{baseFrame}, len(baseRaw)))
	pctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	_ = node.PullFrom(pctx, a, hc.h.ID())
	hostileEventually(t, "a reads the case", func() error {
		_, err := a.Case(ctx, sp, id)
		return err
	})
	if err := node.CheckFresh(a); err != nil { // checked (decision 0049): a catch-up of it may be fed to the engine
		t.Fatal(err)
	}

	// Then three concurrent chains, each from the base, under three actors.
	hid := node.IdentityOf(hn)
	var chains [][32]byte
	var chainRaw, chainAtts [][]byte
	for _, lang := range []string{"es", "fr", "de"} {
		chain := forgeBodies(t, baseRaw, seal.NewActor(hid.Public), []string{lang}, chars)
		chainRaw = append(chainRaw, chain[0])
		chainAtts = append(chainAtts, attest(t, hid, sp.ID, id, chain[0]))
		chains = append(chains, sha256.Sum256(chain[0][8:]))
	}
	// One frame: a takes the three chains in one batch of three changes,
	// the smallest batch fed (SetHeldFeed above), and it passes the total.
	frame := changesFrame(t, sp.ID, id, string(model.Case), chainRaw, chainAtts)
	pid, restarts, feeds := node.EnginePID(a), node.EngineRestarts(a), node.HeldFeedsStarted()
	hc.setAnswer(answerFrames(t, [][]byte{frame}, len(chainRaw)))
	_ = node.PullFrom(pctx, a, hc.h.ID())
	hostileEventually(t, "a stores the three chains", func() error {
		stored := node.StoredChangeHashes(a, id)
		for _, h := range chains {
			if !slices.Contains(stored, h) {
				return fmt.Errorf("a holds %d changes of the case", len(stored))
			}
		}
		return nil
	})
	if total := node.DocTotalOps(a, id); total <= limit {
		t.Fatalf("a's store counts %d ops in the case, want past %d", total, limit)
	}
	if f := node.HeldFeedsStarted() - feeds; f != 0 {
		t.Fatalf("a fed its engine the batch that passes the total (%d feeds)", f)
	}

	hostileStart(t, b, a.Addrs()...)
	hostileEventually(t, "a and b hold the same changes", func() error { return sameSets(t, sp.ID, a, b) })

	for _, n := range []*node.Node{a, b} {
		st := must[node.Status](t)(n.Status(ctx))
		if i := slices.IndexFunc(st.OverOps, func(d node.DocOps) bool { return d.Doc == id }); i < 0 || st.OverOps[i].Ops <= limit {
			t.Errorf("%s's status lists %v past the total, want %s", n.Name(), st.OverOps, id)
		}
		if _, err := n.Case(ctx, sp, id); !errors.Is(err, node.ErrInvalid) {
			t.Errorf("%s reads the case past the total: %v, want ErrInvalid", n.Name(), err)
		}
		if q := must[[]store.Quarantined](t)(n.Quarantined(ctx)); len(q) != 0 {
			t.Errorf("%s quarantined %v", n.Name(), q)
		}
	}
	title := "Trap, annotated"
	if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Title: &title}); !errors.Is(err, node.ErrInvalid) {
		t.Errorf("an edit of the case past the total: %v, want ErrInvalid", err)
	}
	title = "Rent strike, 2026"
	if err := a.PatchCase(ctx, sp, other, model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatalf("an edit of the space's other case: %v", err)
	}
	cases := must[[]model.CaseStudy](t)(a.Cases(ctx, sp))
	if len(cases) != 1 || cases[0].ID != other || cases[0].Titles["en"] != title {
		var listed []string
		for _, c := range cases {
			listed = append(listed, c.ID+" "+c.Titles["en"])
		}
		t.Fatalf("a lists %q, want the other case alone, edited", listed)
	}
	// Its history of who wrote what stays readable: the log reads the
	// store, not the engine.
	logged := must[[]node.LogEntry](t)(a.Log(ctx, sp, time.Time{}, 0))
	if !slices.ContainsFunc(logged, func(e node.LogEntry) bool { return e.Doc == id }) {
		t.Errorf("a's log shows nothing of the case past the total")
	}
	if p, r := node.EnginePID(a), node.EngineRestarts(a); p != pid || r != restarts {
		t.Fatalf("a's engine: process %d, %d restarts; want %d, %d", p, r, pid, restarts)
	}
	if u := node.Unchecked(a, id); u != 0 {
		t.Fatalf("a keeps %d changes of the case to check in an engine that never opens it", u)
	}

	// Reopened, b finds the document past the total in its store and
	// bars it before anything can load it.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = must[*node.Node](t)(node.Open(ctx, bOpts))
	defer b.Close()
	st := must[node.Status](t)(b.Status(ctx))
	if len(st.OverOps) != 1 || st.OverOps[0].Doc != id {
		t.Fatalf("reopened, b's status lists %v past the total, want %s", st.OverOps, id)
	}
	if _, err := b.Case(ctx, sp, id); !errors.Is(err, node.ErrInvalid) {
		t.Fatalf("reopened, b reads the case past the total: %v, want ErrInvalid", err)
	}
}
