package server

import (
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// testSpace is the space of the test documents.
var testSpace = model.NewID()

// parkServer is a server whose cache parks on a clock the test moves.
func parkServer(t *testing.T, hot int64) (*server, *time.Time) {
	t.Helper()
	likeAnEngine(t)
	s := newServer(1 << 30)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s.docs.hot, s.docs.now = hot, func() time.Time { return now }
	return s, &now
}

func createCase(t *testing.T, s *server, id string, i int) {
	t.Helper()
	c := model.CaseStudy{ID: model.NewID(), Titles: map[string]string{"en": "Case " + strconv.Itoa(i)},
		Bodies:  map[string]string{"en": "What happened in case " + strconv.Itoa(i) + ", and what came of it."},
		Summary: "summary", Region: "region", Period: "2026", Tags: []string{"rent"}}
	resp := s.handle(engine.Request{Op: engine.OpCreate, Doc: id, Actor: testActor, Time: 1,
		Create: &model.Create{Type: model.Case, Space: testSpace, Case: &c}})
	if resp.Err != "" {
		t.Fatalf("create %s: %s", id, resp.Err)
	}
	s.docs.parkRound() // as serve does after an answer, with nothing waiting
}

// TestParkIdleSmallDocuments: once the small documents held are over the
// hot budget, those idle for parkIdle are parked (their C heap freed),
// the one in use is not, and a parked document opens again at its next
// use with the same content, and takes edits.
func TestParkIdleSmallDocuments(t *testing.T) {
	s, now := parkServer(t, 1<<20) // 200 case studies are estimated at about 7 MiB
	const n = 200
	for i := range n {
		createCase(t, s, "c"+strconv.Itoa(i), i)
	}
	if s.docs.parks != 0 {
		t.Fatalf("%d parked before any was idle", s.docs.parks)
	}
	reclaim()
	before := cInUse()
	*now = now.Add(parkIdle)
	// Rounds, one per tenth of parkIdle, each parking parkMost at most,
	// until the small documents are under the hot budget.
	for i := 0; s.docs.smallLive > s.docs.hot && i < n; i++ {
		was := s.docs.parks
		createCase(t, s, "fresh"+strconv.Itoa(i), n+i)
		if got := s.docs.parks - was; got > s.docs.parkMost {
			t.Fatalf("one call parked %d documents, more than parkMost %d", got, s.docs.parkMost)
		}
		*now = now.Add(parkIdle / 10)
	}
	if s.docs.parks < n/2 || s.docs.rounds < 2 {
		t.Fatalf("%d of %d idle documents parked in %d rounds, want most, in several", s.docs.parks, n, s.docs.rounds)
	}
	if s.docs.smallLive > s.docs.hot {
		t.Fatalf("small live documents estimated at %d, over the hot budget %d", s.docs.smallLive, s.docs.hot)
	}
	if e := s.docs.byID["fresh0"].Value.(*entry); e.parked {
		t.Fatal("a document made less than parkIdle ago was parked")
	}
	reclaim() // a park round collects; the finalizers free the C heap after it
	if after := cInUse(); after > before/2 {
		t.Fatalf("C heap in use %d after parking, %d before: not freed", after, before)
	}
	if s.docs.len() <= n || s.docs.evictions != 0 {
		t.Fatalf("%d open, %d evicted; parking closes nothing", s.docs.len(), s.docs.evictions)
	}
	if e := s.docs.byID["c0"].Value.(*entry); !e.parked || len(e.saved) == 0 || len(e.saved) > 4096 {
		t.Fatalf("c0 parked %v with %d saved bytes", e.parked, len(e.saved))
	}
	v := s.handle(engine.Request{Op: engine.OpView, Doc: "c0"})
	if v.Err != "" || v.View == nil || v.View.Case == nil || v.View.Case.Titles["en"] != "Case 0" {
		t.Fatalf("view of a parked document: %+v", v)
	}
	if s.docs.unparks != 1 {
		t.Fatalf("unparks %d, want 1", s.docs.unparks)
	}
	title := "Case zero"
	ed := s.handle(engine.Request{Op: engine.OpEdit, Doc: "c0", Time: 2,
		Edit: &model.Edit{PatchCase: &model.CasePatch{Lang: "en", Title: &title}}})
	if ed.Err != "" || len(ed.Changes) != 1 {
		t.Fatalf("edit after unpark: %d changes, %q", len(ed.Changes), ed.Err)
	}
	v = s.handle(engine.Request{Op: engine.OpView, Doc: "c0"})
	if v.Err != "" || v.View.Case.Titles["en"] != title {
		t.Fatalf("view after the edit: %+v", v)
	}
}

// TestParkSparesLargeAndUnvetted: a document over parkMax, and one whose
// last peer changes were applied without a round trip, stay loaded
// however long they are idle.
func TestParkSparesLargeAndUnvetted(t *testing.T) {
	s, now := parkServer(t, 1)
	ledger := ledgerChanges(t, 500)
	if resp := s.handle(engine.Request{Op: engine.OpLoad, Doc: "L", Changes: ledger[:len(ledger)-1], Actor: testActor}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	if resp := s.handle(engine.Request{Op: engine.OpCheck, Doc: "L"}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	if s.docs.size("L") <= s.docs.parkMax {
		t.Fatalf("ledger estimated at %d, not over parkMax %d: the test needs a larger one", s.docs.size("L"), s.docs.parkMax)
	}
	small := ledgerChanges(t, 3)
	if resp := s.handle(engine.Request{Op: engine.OpLoad, Doc: "U", Changes: small[:2], Actor: testActor}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	if resp := s.handle(engine.Request{Op: engine.OpApply, Doc: "U", Changes: small[2:]}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	*now = now.Add(time.Hour)
	createCase(t, s, "c", 0)
	for _, id := range []string{"L", "U"} {
		if s.docs.byID[id].Value.(*entry).parked {
			t.Fatalf("%s was parked", id)
		}
	}
	// The same small document, checked, is parked at the next round.
	if resp := s.handle(engine.Request{Op: engine.OpCheck, Doc: "U"}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	*now = now.Add(time.Hour)
	createCase(t, s, "d", 1)
	if !s.docs.byID["U"].Value.(*entry).parked || s.docs.byID["L"].Value.(*entry).parked {
		t.Fatal("after its check U is not parked, or L is")
	}
}

// TestUnparkFailureDropsDocument: a parked form that does not load back
// (or loads with other heads) leaves the document not loaded, for the
// node to reload from its store, and crashes nothing.
func TestUnparkFailureDropsDocument(t *testing.T) {
	for name, spoil := range map[string]func(e *entry){
		"garbage": func(e *entry) { e.saved = append([]byte(nil), e.saved[:len(e.saved)/2]...) },
		"heads":   func(e *entry) { e.heads = [][32]byte{{1}} },
		"empty":   func(e *entry) { e.saved = nil },
	} {
		t.Run(name, func(t *testing.T) {
			s, now := parkServer(t, 1)
			createCase(t, s, "a", 0)
			*now = now.Add(parkIdle)
			createCase(t, s, "b", 1)
			e := s.docs.byID["a"].Value.(*entry)
			if !e.parked {
				t.Fatal("a was not parked")
			}
			s.docs.account(e, -1)
			spoil(e)
			s.docs.account(e, 1)
			resp := s.handle(engine.Request{Op: engine.OpView, Doc: "a"})
			if resp.Code != engine.CodeNotLoaded {
				t.Fatalf("view of a spoilt parked document: code %q, err %q; want %q", resp.Code, resp.Err, engine.CodeNotLoaded)
			}
			if _, ok := s.docs.byID["a"]; ok || s.docs.used != s.docs.size("b") {
				t.Fatalf("a still held, or the cache counts %d bytes for b's %d", s.docs.used, s.docs.size("b"))
			}
		})
	}
}

// TestParkRoundsAreFew: a stream of new documents, each making the small
// documents held go over the hot budget once the first are idle, costs
// one park round per tenth of parkIdle, not one per call, and the
// documents still get parked.
func TestParkRoundsAreFew(t *testing.T) {
	s, now := parkServer(t, 1)
	const n, every = 400, 25 * time.Millisecond // 10 s in all
	for i := range n {
		createCase(t, s, "c"+strconv.Itoa(i), i)
		*now = now.Add(every)
	}
	span := time.Duration(n) * every
	if most := int(span/(parkIdle/10)) + 1; s.docs.rounds > most {
		t.Fatalf("%d park rounds over %v, want at most %d", s.docs.rounds, span, most)
	}
	// Those idle for parkIdle at the last round are parked.
	if want := int((span - parkIdle - parkIdle/10) / every); s.docs.parks < want {
		t.Fatalf("%d parked, want at least %d", s.docs.parks, want)
	}
}

// TestParkAfterTheAnswer: a call never runs a park round before its
// answer; serve runs one once the answer is sent and nothing waits.
func TestParkAfterTheAnswer(t *testing.T) {
	s, now := parkServer(t, 1)
	for i := range 20 {
		createCase(t, s, "c"+strconv.Itoa(i), i) // nothing idle yet: nothing parked
	}
	if s.docs.parks != 0 {
		t.Fatalf("%d parked before any was idle", s.docs.parks)
	}
	*now = now.Add(parkIdle)
	if v := s.handle(engine.Request{Op: engine.OpView, Doc: "c19"}); v.Err != "" {
		t.Fatal(v.Err)
	}
	if s.docs.parks != 0 {
		t.Fatalf("a call parked %d documents before its answer", s.docs.parks)
	}

	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- s.serve(inR, outW) }()
	go func() {
		_ = engine.WriteFrame(inW, engine.Request{Op: engine.OpView, Doc: "c19"})
	}()
	var resp engine.Response
	if err := engine.ReadFrame(outR, &resp); err != nil || resp.Err != "" {
		t.Fatalf("view through serve: %v %q", err, resp.Err)
	}
	inW.Close() // serve parks, then reads EOF and returns
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.docs.parks == 0 {
		t.Fatal("serve parked nothing after its answer, with 19 documents idle")
	}
	if e := s.docs.byID["c19"].Value.(*entry); e.parked {
		t.Fatal("the document just used was parked")
	}
}
