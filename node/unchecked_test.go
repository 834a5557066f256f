package node_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// freshMutantCase is a receiver that took, in one batch, an honest new
// document and a new document whose second change passes every check in
// front of the engine and loads, but leaves the saved form unloadable
// (decision 0049: both committed, the round trip owed).
type freshMutantCase struct {
	a         *node.Node
	aOpts     node.Options
	m         *node.Node
	sp        node.Space
	honest    string
	bad       string
	pc        *wire.Change
	first     [32]byte // the bad document's honest first change
	tripsFrom int      // the receiver's engine's round trips before the batch
}

func freshMutant(t *testing.T) freshMutantCase {
	t.Helper()
	f, frames := freshMutantFrames(t)
	a, pc := f.a, f.pc
	f.tripsFrom = must[int](t)(node.EngineRoundTrips(a))
	res := must[[]replicate.Ingested](t)(a.SyncLocal().(replicate.BatchLocal).IngestFrames(t.Context(), frames))
	if len(res) != 2 || res[0].Stored != 1 || res[1].Stored != 2 || res[1].Refused != 0 {
		t.Fatalf("results = %+v; want both documents stored, their round trips owed", res)
	}
	if !holds(a, f.bad, pc.Hash) {
		t.Fatal("the mutant is not stored: the test does not play a check after the commit")
	}
	for _, doc := range []string{f.honest, f.bad} {
		if !node.MarkedUnchecked(t, a, doc) || node.Unchecked(a, doc) == 0 {
			t.Fatalf("%s: marked %v, %d changes unchecked; want it marked in the store and remembered",
				doc, node.MarkedUnchecked(t, a, doc), node.Unchecked(a, doc))
		}
	}
	return f
}

// freshMutantFrames builds freshMutant's receiver and its batch, prepared
// and not yet ingested: the honest document's frame, then the mutant's.
func freshMutantFrames(t *testing.T) (freshMutantCase, []replicate.FrameIn) {
	t.Helper()
	ctx := t.Context()
	a, aOpts := initNode(t, "Amina")
	c, _ := initNode(t, "Chidi")
	m, _ := initNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, c, sp)
	joinSpace(t, a, m, sp)
	honest := must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Honest"}}))
	bad := must[string](t)(m.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Bad"}, Summary: "s", Region: "r", Period: "p"}))
	summary, region, period := "moved", "elsewhere", "later"
	if err := m.PatchCase(ctx, sp, bad, model.CasePatch{Lang: "en", Summary: &summary, Region: &region, Period: &period}); err != nil {
		t.Fatal(err)
	}
	mc := node.DocChanges(m, bad)
	poison := findPoison(t, mc[:len(mc)-1], mc[len(mc)-1])
	pc := must[*wire.Change](t)(wire.ParseChange(poison))
	first := must[*wire.Change](t)(wire.ParseChange(mc[0]))
	att := seal.Attest(node.IdentityOf(m), sp.ID, bad, pc.Actor, pc.Seq, pc.Hash)
	badFrame := framesOf(t, m, sp, bad)[0]
	badFrame.Chunks = append(badFrame.Chunks[:len(badFrame.Chunks)-1], poison)
	if len(badFrame.Atts) != len(mc) {
		t.Fatalf("%d attestations for %d changes; want one each", len(badFrame.Atts), len(mc))
	}
	badFrame.Atts[len(badFrame.Atts)-1] = att.Marshal() // the real edit's would be an equivocation
	frames := append(framesOf(t, c, sp, honest), badFrame)
	prepare(t, a, frames)
	return freshMutantCase{a: a, aOpts: aOpts, m: m, sp: sp, honest: honest, bad: bad, pc: pc, first: first.Hash}, frames
}

// quarantinedOnce checks that f.a quarantined the mutant alone, once, by
// Mallory, and keeps the rest.
func (f freshMutantCase) quarantinedOnce(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	assertQuarantinedOnce(t, f.a, f.bad, f.pc.Hash, f.m)
	if !holds(f.a, f.bad, f.first) {
		t.Fatal("the bad document's honest first change was dropped with the mutant")
	}
	for _, doc := range []string{f.honest, f.bad} {
		if node.MarkedUnchecked(t, f.a, doc) || node.Unchecked(f.a, doc) != 0 {
			t.Fatalf("%s still marked or remembered unchecked after its check", doc)
		}
	}
	if _, err := f.a.Case(ctx, f.sp, f.honest); err != nil {
		t.Fatalf("honest case: %v", err)
	}
	if cs, err := f.a.Case(ctx, f.sp, f.bad); err != nil || cs.Titles["en"] != "Bad" {
		t.Fatalf("what is left of the bad case: %+v, %v", cs, err)
	}
	storedLoadsBack(t, f.a, f.bad)
	if err := f.a.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestFreshRoundTripAfterCommit: a new document whose second change breaks
// its saved form is committed with the honest one in the same batch, with
// no round trip in the ingest (decision 0049); the check after the commit
// (the background pass) finds the culprit, drops it alone, quarantines
// its author once, clears both documents' marks, and a second pass finds
// nothing more.
func TestFreshRoundTripAfterCommit(t *testing.T) {
	f := freshMutant(t)
	if trips := must[int](t)(node.EngineRoundTrips(f.a)); trips != f.tripsFrom {
		t.Fatalf("the ingest made %d round trips; want none before the commit", trips-f.tripsFrom)
	}
	if q := must[[]store.Quarantined](t)(f.a.Quarantined(t.Context())); len(q) != 0 {
		t.Fatalf("quarantined before the check: %+v", q)
	}
	if err := node.CheckFresh(f.a); err != nil {
		t.Fatal(err)
	}
	f.quarantinedOnce(t)
	if err := node.CheckFresh(f.a); err != nil {
		t.Fatal(err)
	}
	f.quarantinedOnce(t)
	// Local edits keep working on what is left.
	title := "Still here"
	if err := f.a.PatchCase(t.Context(), f.sp, f.bad, model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatalf("edit after the drop: %v", err)
	}
}

// TestFreshRoundTripBeforeEdit: a local edit of a new document stored
// before its check checks it first: the culprit is dropped and
// quarantined before the edit builds on it, and the edit is kept.
func TestFreshRoundTripBeforeEdit(t *testing.T) {
	f := freshMutant(t)
	title := "Edited"
	if err := f.a.PatchCase(t.Context(), f.sp, f.bad, model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatalf("edit of a document stored unchecked: %v", err)
	}
	if node.MarkedUnchecked(t, f.a, f.bad) {
		t.Fatal("the edited document is still marked unchecked")
	}
	assertQuarantinedOnce(t, f.a, f.bad, f.pc.Hash, f.m)
	if cs := must[model.CaseStudy](t)(f.a.Case(t.Context(), f.sp, f.bad)); cs.Titles["en"] != "Edited" {
		t.Fatalf("title %q after the edit", cs.Titles["en"])
	}
	storedLoadsBack(t, f.a, f.bad)
}

// TestFreshUncheckedAfterCrash: a crash before the check leaves the marks;
// the next Open checks the marked documents, drops the culprit and
// quarantines its author once, and clears the marks.
func TestFreshUncheckedAfterCrash(t *testing.T) {
	f := freshMutant(t)
	node.Crash(f.a)
	f.a = must[*node.Node](t)(node.Open(t.Context(), f.aOpts))
	t.Cleanup(func() { f.a.Close() })
	f.quarantinedOnce(t)
}

// TestFreshUncheckedMarkAlone: the store's mark alone makes Open check the
// document. The home is made to look closed cleanly after the crash, so
// that the check of every document after an unclean shutdown (decision
// 0042) does not run; without the mark, the mutant would stay.
func TestFreshUncheckedMarkAlone(t *testing.T) {
	f := freshMutant(t)
	node.Crash(f.a)
	if err := os.WriteFile(filepath.Join(f.aOpts.Home, "lock"), []byte("closed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.a = must[*node.Node](t)(node.Open(t.Context(), f.aOpts))
	t.Cleanup(func() { f.a.Close() })
	if trips := must[int](t)(node.EngineRoundTrips(f.a)); trips == 0 {
		t.Fatal("Open made no round trip")
	}
	f.quarantinedOnce(t)
}

// TestFreshUncheckedCleanClose: Close checks what the background pass has
// not: after a clean close, the mutant is gone, and the next Open has
// nothing marked and makes no round trip.
func TestFreshUncheckedCleanClose(t *testing.T) {
	f := freshMutant(t)
	if err := f.a.Close(); err != nil {
		t.Fatal(err)
	}
	f.a = must[*node.Node](t)(node.Open(t.Context(), f.aOpts))
	t.Cleanup(func() { f.a.Close() })
	if trips := must[int](t)(node.EngineRoundTrips(f.a)); trips != 0 {
		t.Fatalf("Open after a clean close made %d round trips, want none", trips)
	}
	f.quarantinedOnce(t)
}

// findPoisonAlone is findPoison for a document's first change: a mutant
// of real, with real's header, that loads alone in an engine but whose
// saved form does not load back.
func findPoisonAlone(t *testing.T, real []byte) []byte {
	t.Helper()
	ctx := t.Context()
	eng := engine.New(engine.Config{})
	defer eng.Close()
	rc := must[*wire.Change](t)(wire.ParseChange(real))
	body := chunkBody(t, real)
	spans := [][2]int{{0, len(body)}} // a first change has no reference columns: anywhere
	actor := bytes.Repeat([]byte{7}, 16)
	rng := rand.New(rand.NewPCG(5, 1000))
	tried := 0
	for range 20_000 {
		cand := changeChunk(mutateByte(rng, body, spans))
		c, err := wire.ParseChange(cand)
		if err != nil || c.Seq != rc.Seq || c.StartOp != rc.StartOp || !bytes.Equal(c.Actor, rc.Actor) || len(c.Deps) != 0 {
			continue
		}
		tried++
		if _, err := eng.Load(ctx, "probe", [][]byte{cand}, actor); err != nil {
			continue
		}
		if _, err := eng.Check(ctx, "probe"); err != nil {
			return cand
		}
	}
	t.Skipf("no mutant of %d that passed the Go checks and loaded breaks the round trip alone", tried)
	return nil
}

// TestFreshDocumentDroppedWhole: a new document of one change that loads
// but whose saved form does not load back is committed, then, at its
// check after the commit, dropped whole: its change, its record (the space
// lists it no more) and its mark; its author is quarantined once, and the
// store verifies.
func TestFreshDocumentDroppedWhole(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	c, _ := initNode(t, "Chidi")
	m, _ := initNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, c, sp)
	joinSpace(t, a, m, sp)
	honest := must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Honest"}}))
	bad := must[string](t)(m.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Bad"}, Summary: "s", Region: "r", Period: "p"}))
	mc := node.DocChanges(m, bad)
	if len(mc) != 1 {
		t.Fatalf("%d changes; want the case made in one", len(mc))
	}
	poison := findPoisonAlone(t, mc[0])
	pc := must[*wire.Change](t)(wire.ParseChange(poison))
	badFrame := framesOf(t, m, sp, bad)[0]
	badFrame.Chunks = [][]byte{poison}
	badFrame.Atts = [][]byte{seal.Attest(node.IdentityOf(m), sp.ID, bad, pc.Actor, pc.Seq, pc.Hash).Marshal()}
	frames := append(framesOf(t, c, sp, honest), badFrame)
	prepare(t, a, frames)
	res := must[[]replicate.Ingested](t)(a.SyncLocal().(replicate.BatchLocal).IngestFrames(ctx, frames))
	if len(res) != 2 || res[1].Stored != 1 {
		t.Fatalf("results = %+v; want both stored", res)
	}
	if n := len(must[[]model.CaseStudy](t)(a.Cases(ctx, sp))); n != 2 {
		t.Fatalf("%d cases listed before the check, want 2", n)
	}
	if err := node.CheckFresh(a); err != nil {
		t.Fatal(err)
	}
	assertQuarantinedOnce(t, a, bad, pc.Hash, m)
	if len(node.DocChanges(a, bad)) != 0 || node.MarkedUnchecked(t, a, bad) {
		t.Fatal("the mutant document's change or mark is still stored")
	}
	cases := must[[]model.CaseStudy](t)(a.Cases(ctx, sp))
	if len(cases) != 1 || cases[0].Titles["en"] != "Honest" {
		t.Fatalf("cases after the check: %+v; want the honest one alone", cases)
	}
	if err := a.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	if err := node.CheckFresh(a); err != nil {
		t.Fatal(err)
	}
	if q := must[[]store.Quarantined](t)(a.Quarantined(ctx)); len(q) != 1 {
		t.Fatalf("quarantined %d after a second pass, want 1", len(q))
	}
}
