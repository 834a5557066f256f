package node_test

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestIngestFramesNewDocumentBreakingRoundTrip: a document new to the
// receiver, taken in a batch with another, whose last change passes every
// check in front of the engine and loads but leaves the document's saved
// form unloadable (a mutant of a member's real edit, as DESIGN.md section
// 5 measured), is never recorded with it: the engine's one load and round
// trip of the new document (its root read in the same load) refuses it,
// the change is quarantined by hash and by its attested author, and the
// other document of the batch is stored. (A small new document is now
// checked after the commit, decision 0049: TestFreshRoundTripAfterCommit;
// this is the check before it, as a large new document still has it.)
func TestIngestFramesNewDocumentBreakingRoundTrip(t *testing.T) {
	ctx := t.Context()
	node.SetFreshDeferOff(t, true)
	a, _ := initNode(t, "Amina")
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
	att := seal.Attest(node.IdentityOf(m), sp.ID, bad, pc.Actor, pc.Seq, pc.Hash)
	badFrame := framesOf(t, m, sp, bad)[0]
	badFrame.Chunks = append(badFrame.Chunks[:len(badFrame.Chunks)-1], poison)
	if len(badFrame.Atts) != len(mc) {
		t.Fatalf("%d attestations for %d changes; want one each", len(badFrame.Atts), len(mc))
	}
	badFrame.Atts[len(badFrame.Atts)-1] = att.Marshal() // the real edit's would be an equivocation
	frames := append(framesOf(t, c, sp, honest), badFrame)
	prepare(t, a, frames)

	res := must[[]replicate.Ingested](t)(a.SyncLocal().(replicate.BatchLocal).IngestFrames(ctx, frames))
	if len(res) != 2 || res[0].Stored != 1 || res[1].Refused == 0 {
		t.Fatalf("results = %+v; want the honest document stored and the mutant refused", res)
	}
	q := must[[]store.Quarantined](t)(a.Quarantined(ctx))
	if len(q) != 1 || q[0].Hash != pc.Hash || node.PeerID(q[0].Author) != m.PeerID() {
		t.Fatalf("quarantined = %+v; want the mutant (%s) by %s", q, wire.HashHex(pc.Hash), m.PeerID())
	}
	if holds(a, bad, pc.Hash) {
		t.Fatal("the mutant is stored")
	}
	if _, err := a.Case(ctx, sp, honest); err != nil {
		t.Fatalf("honest case: %v", err)
	}
}
