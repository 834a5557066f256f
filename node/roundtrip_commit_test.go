package node_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// TestRoundTripAfterCommitFindsCulprit: a change that breaks the saved
// form of a large document is stored unchecked; the honest batch that
// brings the document to CheckBudget unchecked changes is committed with
// it still stored (decision 0024: the check runs after the commit), and
// by the time that ingest returns, the check that ran right after the
// commit has found it, dropped it alone, and quarantined it by its
// attested author: no local edit or idle checker was needed.
func TestRoundTripAfterCommitFindsCulprit(t *testing.T) {
	ctx := t.Context()
	var (
		a         *node.Node
		cal       atomic.Value // string: the calendar, once known
		poison    atomic.Value // [32]byte: the mutant's hash, once known
		committed atomic.Int32 // the honest batch's commit: 1 with the mutant stored, 2 without
	)
	opts := node.Options{Home: t.TempDir(), NoPassphrase: true, Now: newClock().now,
		OnStored: func(_, doc string, stored int) {
			h, ok := poison.Load().([32]byte)
			if !ok || doc != cal.Load() || stored < node.CheckBudget-1 {
				return
			}
			if holds(a, doc, h) {
				committed.Store(1)
			} else {
				committed.Store(2)
			}
		}}
	a, err := node.Init(ctx, opts, "Amina")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, _ := initNode(t, "Bo")
	m, _ := initNode(t, "Mallory")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, m, sp)
	var ids []string
	for i := range 20 { // large enough that the check is deferred
		ids = append(ids, must[string](t)(a.AddEvent(ctx, sp, "", meeting(fmt.Sprintf("Assembly %d", i)))))
	}
	exchange(t, a, m, sp)
	doc := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Calendars[0].ID
	cal.Store(doc)
	// Bo's honest batch, made in a client of his own on what a holds now.
	honest, atts := clientEvents(t, b, sp.ID, doc, node.DocChanges(a, doc), node.CheckBudget-1)

	// Mallory's real edit overwrites fields (ops with predecessors); the
	// mutant points one of its references at another existing op.
	title, status, place := "Moved", "confirmed", "Park"
	if err := m.PatchEvent(ctx, sp, model.EventPatch{ID: ids[3], Title: &title, Status: &status, Place: &place}); err != nil {
		t.Fatal(err)
	}
	mc := node.DocChanges(m, doc)
	bad := findPoison(t, mc[:len(mc)-1], mc[len(mc)-1])
	pc := must[*wire.Change](t)(wire.ParseChange(bad))
	att := seal.Attest(node.IdentityOf(m), sp.ID, doc, pc.Actor, pc.Seq, pc.Hash)
	if res, err := a.Ingest(ctx, sp.ID, doc, [][]byte{bad}, [][]byte{att.Marshal()}); err != nil || res.Stored != 1 {
		t.Fatalf("ingest of the mutant = %+v, %v; want it stored", res, err)
	}
	if n := node.Unchecked(a, doc); n != 1 {
		t.Fatalf("%d changes unchecked after the mutant, want 1", n)
	}
	poison.Store(pc.Hash)

	res, err := a.Ingest(ctx, sp.ID, doc, honest, atts)
	if err != nil || res.Stored != len(honest) {
		t.Fatalf("ingest of the honest batch = %+v, %v", res, err)
	}
	switch committed.Load() {
	case 0:
		t.Fatal("the honest batch's commit was not reported")
	case 2:
		t.Fatal("the mutant was gone when the honest batch committed: the check ran before the commit")
	}
	assertQuarantinedOnce(t, a, doc, pc.Hash, m)
	kept := must[[][32]byte](t)(node.StoredHashes(ctx, a, doc))
	for _, raw := range honest {
		if !slices.Contains(kept, must[*wire.Change](t)(wire.ParseChange(raw)).Hash) {
			t.Fatal("an honest change was dropped")
		}
	}
	if n := node.Unchecked(a, doc); n != 0 {
		t.Fatalf("%d changes still unchecked", n)
	}
	if n := len(must[[]node.CalendarEvent](t)(a.Events(ctx, sp, ""))); n != 20+len(honest) {
		t.Fatalf("a shows %d events, want %d", n, 20+len(honest))
	}
	storedLoadsBack(t, a, doc)
}

// TestSnapshotFromRoundTripCheck: when the check that follows a large
// ingest finds a snapshot due, the saved form that passed it becomes the
// snapshot: the engine saves and loads the document once, not twice; the
// snapshot covers exactly the stored changes and opens to the same view.
func TestSnapshotFromRoundTripCheck(t *testing.T) {
	ctx := t.Context()
	n, _, sp, doc := ledgerNode(t, ctx, 500) // one ingest of 500: checked, no snapshot due
	if u := node.Unchecked(n, doc); u != 0 {
		t.Fatalf("%d changes unchecked after an ingest of 500, want 0", u)
	}
	if _, _, ok, err := node.NewestSnapshot(ctx, n, doc); ok || err != nil {
		t.Fatalf("a snapshot of 501 changes: %v, %v", ok, err)
	}
	before := must[int](t)(node.EngineRoundTrips(n))
	chunks, atts := clientEntries(t, ctx, n, sp.ID, doc, 500, 600)
	if res, err := n.Ingest(ctx, sp.ID, doc, chunks, atts); err != nil || res.Stored != len(chunks) {
		t.Fatalf("ingest: %+v, %v", res, err)
	}
	if trips := must[int](t)(node.EngineRoundTrips(n)) - before; trips != 1 {
		t.Errorf("the engine saved and loaded the document %d times for the check and the snapshot, want 1", trips)
	}
	if u := node.Unchecked(n, doc); u != 0 {
		t.Fatalf("%d changes unchecked after the ingest, want 0", u)
	}
	covers, _ := newest(t, n, doc)
	stored := must[[][32]byte](t)(node.StoredHashes(ctx, n, doc))
	byHash := func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) }
	slices.SortFunc(covers, byHash)
	slices.SortFunc(stored, byHash)
	if !slices.Equal(covers, stored) {
		t.Fatalf("the snapshot covers %d changes, want exactly the %d stored", len(covers), len(stored))
	}
	want := must[model.View](t)(node.DocView(ctx, n, doc))
	if got := freshView(t, n, doc, 1); !reflect.DeepEqual(got, want) {
		t.Fatalf("view from the snapshot: %d entries, want %d", len(got.Ledger.Entries), len(want.Ledger.Entries))
	}
}

// meeting is an event titled title.
func meeting(title string) model.Event {
	return model.Event{Title: title, Kind: "meeting", Status: "planned",
		Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris", Place: "Hall"}
}

// clientEvents adds count events to the calendar doc holding history, in
// an engine of its own under a fresh actor of member's, and returns the
// changes with member's attestations.
func clientEvents(t *testing.T, member *node.Node, space, doc string, history [][]byte, count int) (chunks, atts [][]byte) {
	t.Helper()
	ctx := t.Context()
	e := engine.New(engine.Config{})
	defer e.Close()
	id := node.IdentityOf(member)
	if _, err := e.Load(ctx, doc, history, seal.NewActor(id.Public)); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i := range count {
		ev := meeting(fmt.Sprintf("Picnic %d", i))
		ev.ID = model.NewID()
		more, err := e.Edit(ctx, doc, model.Edit{AddEvent: &ev}, at)
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, more...)
	}
	for _, raw := range chunks {
		c := must[*wire.Change](t)(wire.ParseChange(raw))
		atts = append(atts, seal.Attest(id, space, doc, c.Actor, c.Seq, c.Hash).Marshal())
	}
	return chunks, atts
}
