package node_test

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// spaceState is everything a member sees of a space.
type spaceState struct {
	Events  []node.CalendarEvent
	Cases   []model.CaseStudy
	Entries []node.LedgerEntry
	Members []node.Member
}

func stateOf(t *testing.T, n *node.Node, sp node.Space) spaceState {
	t.Helper()
	ctx := t.Context()
	return spaceState{
		Events:  must[[]node.CalendarEvent](t)(n.Events(ctx, sp, "")),
		Cases:   must[[]model.CaseStudy](t)(n.Cases(ctx, sp)),
		Entries: must[[]node.LedgerEntry](t)(n.Entries(ctx, sp)),
		Members: must[node.SpaceDetail](t)(n.SpaceDetail(ctx, sp)).Members,
	}
}

// sameState fails unless every peer sees the same space and stores the
// same changes.
func sameState(t *testing.T, sp node.Space, peers ...*syncPeer) spaceState {
	t.Helper()
	want := stateOf(t, peers[0].n, sp)
	for _, p := range peers[1:] {
		if got := stateOf(t, p.n, sp); !reflect.DeepEqual(got, want) {
			t.Errorf("%s sees\n%+v\n%s sees\n%+v", p.name, got, peers[0].name, want)
		}
	}
	sameChanges(t, sp.ID, peers...)
	return want
}

// threeMembers makes a space on a and admits b and c offline.
func threeMembers(t *testing.T) (node.Space, *node.Node, *node.Node, *node.Node) {
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	c, _ := initNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(t.Context(), "Tenants Union"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, c, sp)
	return sp, a, b, c
}

func TestSyncThreeNodesConverge(t *testing.T) {
	ctx := t.Context()
	sp, a, b, c := threeMembers(t)
	pa, pb, pc := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{}), newSyncPeer(t, "c", c, replicate.Options{})
	connect(t, pa, pb, pc)
	for i, p := range []*syncPeer{pa, pb, pc} {
		must[string](t)(p.n.AddEvent(ctx, sp, "", model.Event{Title: fmt.Sprintf("Assembly %d", i), Kind: "meeting",
			Status: "planned", Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"}))
		must[string](t)(p.n.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": p.name + "'s case"},
			Bodies: map[string]string{"en": "Body."}}))
		must[string](t)(p.n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 * (i + 1)), Currency: "EUR"}))
	}
	converge(t, pa, pb, pc)
	st := sameState(t, sp, pa, pb, pc)
	if len(st.Events) != 3 || len(st.Cases) != 3 || len(st.Entries) != 3 || len(st.Members) != 3 {
		t.Fatalf("after sync: %d events, %d cases, %d entries, %d members", len(st.Events), len(st.Cases), len(st.Entries), len(st.Members))
	}

	t.Run("concurrent edits merge", func(t *testing.T) {
		evID, caseID := st.Events[0].ID, st.Cases[0].ID
		title, place := "Assembly, moved", "Town hall"
		if err := a.PatchEvent(ctx, sp, model.EventPatch{ID: evID, Title: &title}); err != nil {
			t.Fatal(err)
		}
		if err := b.PatchEvent(ctx, sp, model.EventPatch{ID: evID, Place: &place}); err != nil {
			t.Fatal(err)
		}
		base := "First paragraph.\n\nSecond paragraph."
		if err := a.PatchCase(ctx, sp, caseID, model.CasePatch{Lang: "en", Body: &base}); err != nil {
			t.Fatal(err)
		}
		converge(t, pa, pb, pc)
		bodyA, bodyC := "First paragraph, rewritten.\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph, sourced."
		if err := a.PatchCase(ctx, sp, caseID, model.CasePatch{Lang: "en", Body: &bodyA}); err != nil {
			t.Fatal(err)
		}
		if err := c.PatchCase(ctx, sp, caseID, model.CasePatch{Lang: "en", Body: &bodyC}); err != nil {
			t.Fatal(err)
		}
		converge(t, pa, pb, pc)
		sameState(t, sp, pa, pb, pc)
		ev := must[node.CalendarEvent](t)(c.Event(ctx, sp, evID))
		body := must[model.CaseStudy](t)(b.Case(ctx, sp, caseID)).Bodies["en"]
		if ev.Title != title || ev.Place != place || body != "First paragraph, rewritten.\n\nSecond paragraph, sourced." {
			t.Fatalf("merged event %q at %q, body %q", ev.Title, ev.Place, body)
		}
	})
	t.Run("a pull in step sends no frame", func(t *testing.T) {
		rep := pull(t, pb, pa)
		if rep.Frames != 0 || rep.Received() != 0 || !rep.Complete {
			t.Fatalf("pull in step: %+v", rep)
		}
		t.Logf("pull in step: %d bytes out, %d bytes in for %d docs", rep.BytesOut, rep.BytesIn, len(changeSets(t, a, sp.ID)))
	})
}

// addEntries makes n ledger entries on nd, one change each, in one
// transaction (AddEntries, as weft ledger import records them).
func addEntries(t *testing.T, nd *node.Node, sp node.Space, n int) {
	t.Helper()
	entries := make([]model.Entry, n)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR", Memo: fmt.Sprintf("dues %d", i)}
	}
	if rep := must[node.LedgerImport](t)(nd.AddEntries(t.Context(), sp, entries)); rep.Imported != n {
		t.Fatalf("recorded %d entries, want %d", rep.Imported, n)
	}
}

// syncLong runs the catch-ups with the 10,000 ledger entries
// (TestSyncCatchUp and TestSyncInterruptedResumes). They are recorded in
// one transaction (AddEntries), but storing, attesting, sending and
// ingesting 10,000 changes under -race still takes minutes on a shared
// 2-core machine, so the default runs 2,000 (and 600 cut twice, in frames
// of 8 KiB). The size runs by default over the network in
// TestServeCatchUpAfterRestart (10,000 entries, the transfer cut twice).
var syncLong = flag.Bool("sync.long", false, "catch up 10,000 ledger entries instead of 2,000 (600 when cut)")

// catchUpEntries is how many ledger entries the catch-up tests make.
func catchUpEntries() int {
	if *syncLong {
		return 10000
	}
	return 2000
}

func TestSyncCatchUp(t *testing.T) {
	entries := catchUpEntries()
	ctx := t.Context()
	sp, a, b, _ := threeMembers(t)
	addEntries(t, a, sp, entries)
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)
	rep := pull(t, pb, pa)
	got := rep.Ingested()
	if !rep.Complete || rep.Received() != entries || got.Stored != entries || got.Duplicate+got.Held+got.Refused != 0 {
		t.Fatalf("catch-up report: received %d, %+v, %+v", rep.Received(), got, rep)
	}
	if n := len(must[[]node.LedgerEntry](t)(b.Entries(ctx, sp))); n != entries {
		t.Fatalf("b has %d entries, want %d", n, entries)
	}
	sameChanges(t, sp.ID, pa, pb)
	t.Logf("%d ledger entries: %d frames, %d bytes in (%d B/change), %v", entries, rep.Frames, rep.BytesIn, rep.BytesIn/int64(entries), rep.Duration)
}

func TestSyncInterruptedResumes(t *testing.T) {
	const budget, cutAfter = 8 << 10, 3
	entries := 600
	if *syncLong {
		entries = catchUpEntries()
	}
	sp, a, b, c := threeMembers(t)
	addEntries(t, a, sp, entries)
	pa := newSyncPeer(t, "a", a, replicate.Options{FrameBudget: budget})
	pb := newSyncPeer(t, "b", b, replicate.Options{MaxFrames: cutAfter})
	pc := newSyncPeer(t, "c", c, replicate.Options{})
	connect(t, pa, pb, pc)
	whole := pull(t, pc, pa) // the same transfer, uncut, for reference
	if whole.Frames <= 2*cutAfter {
		t.Fatalf("the transfer takes %d frames: too few to cut twice", whole.Frames)
	}
	var reps []replicate.Report
	for range 2 {
		rep, err := pb.s.Pull(t.Context(), pa.h.ID())
		if !errors.Is(err, replicate.ErrIncomplete) || rep.Frames != cutAfter || rep.Complete {
			t.Fatalf("cut pull: %v, %+v", err, rep)
		}
		reps = append(reps, rep)
	}
	pb.restartSyncer(replicate.Options{})
	reps = append(reps, pull(t, pb, pa))
	var received, stored, dup int
	var bytesIn int64
	for _, r := range reps {
		received, stored, dup = received+r.Received(), stored+r.Ingested().Stored, dup+r.Ingested().Duplicate
		bytesIn += r.BytesIn
	}
	if received != entries || stored != entries || dup != 0 || !reps[2].Complete {
		t.Fatalf("three pulls: received %d, stored %d, duplicate %d; want %d each, none twice", received, stored, dup, entries)
	}
	if slack := whole.BytesIn / 10; bytesIn > whole.BytesIn+slack {
		t.Fatalf("three pulls took %d bytes, the uncut transfer %d", bytesIn, whole.BytesIn)
	}
	sameChanges(t, sp.ID, pa, pb, pc)
	t.Logf("uncut: %d frames, %d bytes; cut twice: %d bytes in three pulls", whole.Frames, whole.BytesIn, bytesIn)
}

func TestSyncNonMemberLearnsNothing(t *testing.T) {
	ctx := t.Context()
	sp, a, b, _ := threeMembers(t)
	addEntries(t, a, sp, 3)
	d, _ := initNode(t, "Dara")
	must[node.Space](t)(d.CreateSpace(ctx, "Elsewhere"))
	pa, pb, pd := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{}), newSyncPeer(t, "d", d, replicate.Options{})
	connect(t, pa, pb, pd)

	t.Run("its pull gets the end frame alone", func(t *testing.T) {
		rep := pull(t, pd, pa)
		if len(rep.Spaces) != 0 || rep.Frames != 0 || rep.Received() != 0 || !rep.Complete {
			t.Fatalf("non-member's report %+v", rep)
		}
	})
	t.Run("naming the space gets the end frame alone", func(t *testing.T) {
		heads := [][]byte{make([]byte, 32)}
		req := &replicate.Request{Version: replicate.Version, Spaces: []replicate.SpaceState{{Space: sp.ID, Heads: heads,
			Docs: []replicate.DocState{{Doc: must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger, Type: "ledger"}}}}}
		frames := rawPull(t, pd, pa, req)
		want := &replicate.Summary{}
		if len(frames) != 1 || frames[0].Kind != replicate.KindEnd || !reflect.DeepEqual(frames[0].Summary, want) {
			t.Fatalf("answer to a non-member naming the space: %+v", frames)
		}
	})
	t.Run("members pulling from it ask nothing", func(t *testing.T) {
		rep := pull(t, pa, pd)
		if len(rep.Spaces) != 0 || rep.Frames != 0 {
			t.Fatalf("a's pull from a non-member: %+v", rep)
		}
	})
	t.Run("the same raw request from a member is answered", func(t *testing.T) {
		req := &replicate.Request{Version: replicate.Version, Spaces: []replicate.SpaceState{{Space: sp.ID}}}
		frames := rawPull(t, pb, pa, req)
		end := frames[len(frames)-1]
		if len(frames) < 2 || end.Kind != replicate.KindEnd || end.Summary.Spaces != 1 || end.Summary.Changes == 0 {
			t.Fatalf("answer to a member: %d frames, end %+v", len(frames), end.Summary)
		}
	})
}
