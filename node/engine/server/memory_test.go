package server

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

var testActor = []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}

// ledgerChanges makes a ledger of n entries and returns its change chunks.
func ledgerChanges(t *testing.T, n int) [][]byte {
	t.Helper()
	crdt.Enable() // this test process plays the engine
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	d, chunks, err := crdt.Create(model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, testActor, at, "create")
	if err != nil {
		t.Fatal(err)
	}
	edits := make([]model.Edit, n)
	for i := range edits {
		edits[i] = model.Edit{AddEntry: &model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "in",
			AmountMinor: int64(i + 1), Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}}
	}
	more, err := d.EditMany(edits, at)
	if err != nil {
		t.Fatal(err)
	}
	return append(chunks, more...)
}

// likeAnEngine runs the rest of the test on one P, as an engine runs
// (engine.childEnv sets GOMAXPROCS=1): then the finalizers wait for the
// engine's goroutine to block, as they do in an engine.
func likeAnEngine(t testing.TB) {
	old := runtime.GOMAXPROCS(1)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

func cInUse() int64 {
	inUse, _ := mallocStats()
	return inUse
}

// TestReclaimFreesADroppedDocument: once the last reference to a
// document is gone, reclaim frees its core memory before it returns,
// though automerge-go frees it only in a finalizer.
func TestReclaimFreesADroppedDocument(t *testing.T) {
	likeAnEngine(t)
	chunks := ledgerChanges(t, 300)
	reclaim()
	base := cInUse()
	d, err := crdt.Load(chunks, testActor)
	if err != nil {
		t.Fatal(err)
	}
	held := cInUse() - base
	if held < 1<<20 {
		t.Fatalf("the document holds %d bytes of C heap; the test needs a larger one", held)
	}
	runtime.KeepAlive(d)
	d = nil //nolint:ineffassign,wastedassign // the last reference
	reclaim()
	if left := cInUse() - base; left > held/4 {
		t.Fatalf("after reclaim %d of the document's %d bytes are still in use", left, held)
	}
}

// TestCheckHoldsOneCopy: a round trip of a large document frees the live
// copy before it loads the saved form back (the C heap in use at that
// point is a fraction of the document's), and the engine carries on with
// the copy it loaded: one copy held, same heads, every entry there.
func TestCheckHoldsOneCopy(t *testing.T) {
	likeAnEngine(t)
	old := reclaimAbove
	reclaimAbove = 1 << 20
	t.Cleanup(func() { reclaimAbove = old })
	const entries = 300
	chunks := ledgerChanges(t, entries)
	for _, keep := range []bool{false, true} {
		t.Run("keep="+strconv.FormatBool(keep), func(t *testing.T) {
			s := newServer(1 << 30)
			reclaim()
			base := cInUse()
			resp := s.handle(engine.Request{Op: engine.OpLoad, Doc: "L", Changes: chunks, Actor: testActor})
			if resp.Err != "" {
				t.Fatal(resp.Err)
			}
			if s.docs.size("L") < reclaimAbove {
				t.Fatalf("estimate %d under %d: the test needs a larger document", s.docs.size("L"), reclaimAbove)
			}
			reclaim()
			held := cInUse() - base
			var during int64
			released := false
			s.afterRelease = func() { during, released = cInUse()-base, true }
			resp = s.handle(engine.Request{Op: engine.OpCheck, Doc: "L", Keep: keep})
			if resp.Err != "" {
				t.Fatal(resp.Err)
			}
			if s.reloads != 1 || !released {
				t.Fatalf("reloads %d (release ran: %v), want 1", s.reloads, released)
			}
			if during > held/4 {
				t.Fatalf("%d of the document's %d bytes still in use when its saved form loads", during, held)
			}
			after := cInUse() - base
			if after > held+held/2 {
				t.Fatalf("after the check %d bytes in use, the document alone %d: more than one copy held", after, held)
			}
			if keep && len(resp.Covers) != len(chunks) {
				t.Fatalf("covers %d changes, want %d", len(resp.Covers), len(chunks))
			}
			v := s.handle(engine.Request{Op: engine.OpView, Doc: "L"})
			if v.Err != "" || v.View == nil || v.View.Ledger == nil || len(v.View.Ledger.Entries) != entries {
				t.Fatalf("view after the check: %+v", v)
			}
		})
	}
}

// TestDropBinaryPages: the engine's read-only mappings of its binary
// leave its resident set, and the code in them still runs.
func TestDropBinaryPages(t *testing.T) {
	before, err := statusBytes("RssFile:")
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := engine.DropBinaryPages()
	if err != nil {
		t.Fatal(err)
	}
	after, err := statusBytes("RssFile:")
	if err != nil {
		t.Fatal(err)
	}
	if dropped <= 0 || after >= before {
		t.Fatalf("dropped %d bytes; resident file pages %d before, %d after", dropped, before, after)
	}
	if len(ledgerChanges(t, 2)) != 3 { // code and data of the binary are read again
		t.Fatal("a ledger of two entries is not three changes")
	}
}
