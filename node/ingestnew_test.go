package node_test

import (
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestIngestFramesNewDocumentBreakingRoundTrip: a document new to the
// receiver, taken in a batch with another, whose last change passes every
// check in front of the engine and loads but leaves the document's saved
// form unloadable (a mutant of a member's real edit, as DESIGN.md section
// 5 measured), is never recorded with it: the engine's one load and round
// trip of the new document (its root read in the same load) refuses it,
// the change is quarantined by hash and by its attested author, and the
// other document of the batch is stored. (A small new document is now
// checked after the commit, decision 0049: TestFreshRoundTripAfterCommit,
// on the same batch; this is the check before it, as a large new document
// still has it.)
func TestIngestFramesNewDocumentBreakingRoundTrip(t *testing.T) {
	ctx := t.Context()
	node.SetFreshDeferOff(t, true)
	f, frames := freshMutantFrames(t)
	a := f.a
	res := must[[]replicate.Ingested](t)(a.SyncLocal().(replicate.BatchLocal).IngestFrames(ctx, frames))
	if len(res) != 2 || res[0].Stored != 1 || res[1].Refused == 0 {
		t.Fatalf("results = %+v; want the honest document stored and the mutant refused", res)
	}
	assertQuarantinedOnce(t, a, f.bad, f.pc.Hash, f.m)
	if node.MarkedUnchecked(t, a, f.honest) {
		t.Fatal("the honest document, checked before its commit, is marked unchecked")
	}
	if _, err := a.Case(ctx, f.sp, f.honest); err != nil {
		t.Fatalf("honest case: %v", err)
	}
}
