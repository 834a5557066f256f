package node_test

import (
	"errors"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/replicate"
)

// freshHonest is a receiver (a) that took, in one batch, n honest new case
// studies of Chidi's (c), stored before their round trip (decision 0049).
func freshHonest(t *testing.T, count int) (a *node.Node, aOpts node.Options, c *node.Node, sp node.Space, docs []string) {
	t.Helper()
	ctx := t.Context()
	a, aOpts = initNode(t, "Amina")
	c, _ = initNode(t, "Chidi")
	sp = must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, c, sp)
	for i := range count {
		docs = append(docs, must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Honest " + string(rune('A'+i))}})))
	}
	ingestFrames(t, a, framesOf(t, c, sp, docs...))
	for _, doc := range docs {
		if !node.MarkedUnchecked(t, a, doc) || node.Unchecked(a, doc) == 0 {
			t.Fatalf("premise: %s is not stored before its check", doc)
		}
	}
	return a, aOpts, c, sp, docs
}

// ingestFrames prepares frames for n and ingests them as a sync session's
// batch, failing on an error or a refusal.
func ingestFrames(t *testing.T, n *node.Node, frames []replicate.FrameIn) {
	t.Helper()
	prepare(t, n, frames)
	res := must[[]replicate.Ingested](t)(n.SyncLocal().(replicate.BatchLocal).IngestFrames(t.Context(), frames))
	for i, r := range res {
		if r.Refused != 0 {
			t.Fatalf("frame %d: %+v; want nothing refused", i, r)
		}
	}
}

// TestFreshCoveredByReceivedChange: a new document stored before its
// round trip that then receives a change is checked, small as it is, with
// the change applied (decision 0024): that check covers it, so it is no
// longer remembered or marked unchecked, and the background pass checks
// only the other new document, not it again.
func TestFreshCoveredByReceivedChange(t *testing.T) {
	ctx := t.Context()
	a, _, c, sp, docs := freshHonest(t, 2)
	title := "Edited"
	if err := c.PatchCase(ctx, sp, docs[0], model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatal(err)
	}
	ingestFrames(t, a, framesOf(t, c, sp, docs[0]))
	if cs := must[model.CaseStudy](t)(a.Case(ctx, sp, docs[0])); cs.Titles["en"] != "Edited" {
		t.Fatalf("premise: the change was not applied (title %q)", cs.Titles["en"])
	}
	if n := node.Unchecked(a, docs[0]); n != 0 || node.MarkedUnchecked(t, a, docs[0]) {
		t.Fatalf("after a check that covered it: %d changes remembered unchecked, marked %v; want none, not marked",
			n, node.MarkedUnchecked(t, a, docs[0]))
	}
	trips := must[int](t)(node.EngineRoundTrips(a))
	if err := node.CheckFresh(a); err != nil {
		t.Fatal(err)
	}
	if got := must[int](t)(node.EngineRoundTrips(a)) - trips; got != 1 {
		t.Fatalf("the background pass made %d round trips; want 1, the other new document's", got)
	}
	if node.MarkedUnchecked(t, a, docs[1]) {
		t.Fatal("premise: the pass did not check the other new document")
	}
}

// TestFreshCheckedOnceAfterCrash: after a crash, Open's check of every
// stored document (decision 0042) covers the new documents marked
// unchecked (decision 0049): each document is checked once, and the marks
// are cleared.
func TestFreshCheckedOnceAfterCrash(t *testing.T) {
	a, aOpts, _, _, docs := freshHonest(t, 2)
	stored := node.StoredDocCount(t, a)
	node.Crash(a)
	a = must[*node.Node](t)(node.Open(t.Context(), aOpts))
	t.Cleanup(func() { a.Close() })
	if got := must[int](t)(node.EngineRoundTrips(a)); got != stored {
		t.Fatalf("Open after the crash made %d round trips for %d stored documents; want one each", got, stored)
	}
	for _, doc := range docs {
		if node.MarkedUnchecked(t, a, doc) || node.Unchecked(a, doc) != 0 {
			t.Fatalf("%s still marked or remembered unchecked after Open checked it", doc)
		}
	}
}

// TestCheckRolledBackLeavesUnchecked: a local edit checks a new document
// stored before its round trip (checkBeforeEdit), the check passes, and
// the edit's commit then fails. The store keeps the document's mark, so
// the node must still remember its changes as unchecked and the document
// as new: the background pass checks it, and clears the mark.
func TestCheckRolledBackLeavesUnchecked(t *testing.T) {
	ctx := t.Context()
	a, _, _, sp, docs := freshHonest(t, 1)
	doc := docs[0]
	held := node.Unchecked(a, doc)
	stop := node.FailCommits(t, a, func() error { return errors.New("the disk is full") })
	title := "Edited"
	if err := a.PatchCase(ctx, sp, doc, model.CasePatch{Lang: "en", Title: &title}); err == nil {
		t.Fatal("premise: the edit committed")
	}
	stop()
	if !node.MarkedUnchecked(t, a, doc) {
		t.Fatal("premise: the failed commit cleared the store's mark")
	}
	if got := node.Unchecked(a, doc); got != held {
		t.Fatalf("after the rolled back check: %d changes remembered unchecked, want %d", got, held)
	}
	trips := must[int](t)(node.EngineRoundTrips(a))
	if err := node.CheckFresh(a); err != nil {
		t.Fatal(err)
	}
	if got := must[int](t)(node.EngineRoundTrips(a)) - trips; got != 1 {
		t.Fatalf("the background pass made %d round trips; want 1, the document's", got)
	}
	if node.MarkedUnchecked(t, a, doc) || node.Unchecked(a, doc) != 0 {
		t.Fatal("the background pass left the document marked or remembered unchecked")
	}
}

// TestFreshCoveredByGossipAfterCommit: a change gossiped to a new document
// stored before its round trip is stored first and applied after the
// commit (decision 0032), small as it is with its round trip: that check
// covers the document, so its changes are forgotten at once, and the
// background pass clears its mark without checking it again (one round
// trip, the other new document's).
func TestFreshCoveredByGossipAfterCommit(t *testing.T) {
	ctx := t.Context()
	a, _, c, sp, docs := freshHonest(t, 2)
	title := "Gossiped"
	if err := c.PatchCase(ctx, sp, docs[0], model.CasePatch{Lang: "en", Title: &title}); err != nil {
		t.Fatal(err)
	}
	changes := must[[]replicate.Change](t)(c.SyncLocal().Missing(ctx, sp.ID, docs[0], nil))
	last := changes[len(changes)-1]
	batch := gossip.Batch{Doc: docs[0], Type: string(model.Case), Chunks: [][]byte{last.Raw}, Atts: [][]byte{last.Attestation}}
	if _, err := node.GossipIngest(ctx, a, gossip.Delivered{Space: sp.ID, Batch: batch}); err != nil {
		t.Fatalf("gossip ingest: %v", err)
	}
	if cs := must[model.CaseStudy](t)(a.Case(ctx, sp, docs[0])); cs.Titles["en"] != title {
		t.Fatalf("premise: the gossiped change was not applied (title %q)", cs.Titles["en"])
	}
	if n := node.Unchecked(a, docs[0]); n != 0 {
		t.Fatalf("after the check that covered it: %d changes remembered unchecked, want none", n)
	}
	if !node.MarkedUnchecked(t, a, docs[0]) {
		t.Fatal("premise: the mark was cleared before the background pass (not the path after the commit)")
	}
	trips := must[int](t)(node.EngineRoundTrips(a))
	if err := node.CheckFresh(a); err != nil {
		t.Fatal(err)
	}
	if got := must[int](t)(node.EngineRoundTrips(a)) - trips; got != 1 {
		t.Fatalf("the background pass made %d round trips; want 1, the other new document's", got)
	}
	for _, doc := range docs {
		if node.MarkedUnchecked(t, a, doc) {
			t.Fatalf("%s still marked unchecked after the background pass", doc)
		}
	}
}
