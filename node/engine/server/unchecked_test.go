package server

import (
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// TestLoadNewUncheckedThenCheckHeld: a new document loaded without Check
// (decision 0049) is held, answered with its root and heads, counts no
// round trip and is not vetted (so never parked); a check of the held
// copy alone then counts one, vets it, keeps the same copy and heads, and
// answers a document the engine does not hold as not loaded.
func TestLoadNewUncheckedThenCheckHeld(t *testing.T) {
	chunks := ledgerChanges(t, 3)
	s := newServer(1 << 40)
	res := s.applyOne(engine.DocApply{Doc: "d", Load: true, Root: true, Changes: chunks, Actor: testActor})
	if res.Error() != nil || res.Root == nil || len(res.Heads) != 1 {
		t.Fatalf("unchecked load: %v, root %v, heads %d", res.Error(), res.Root, len(res.Heads))
	}
	if s.roundTrips != 0 {
		t.Fatalf("%d round trips for an unchecked load, want none", s.roundTrips)
	}
	vetted := func() bool {
		el, ok := s.docs.byID["d"]
		return ok && el.Value.(*entry).vetted
	}
	if vetted() {
		t.Fatal("a document loaded unchecked is vetted: it could be parked")
	}
	held, _ := s.docs.get("d")
	got := s.applyOne(engine.DocApply{Doc: "d", Check: true})
	if got.Error() != nil || len(got.Heads) != 1 || got.Heads[0] != res.Heads[0] {
		t.Fatalf("check of the held copy: %v, heads %x, want %x", got.Error(), got.Heads, res.Heads)
	}
	if s.roundTrips != 1 || !vetted() {
		t.Fatalf("after the check: %d round trips, vetted %v; want 1 and vetted", s.roundTrips, vetted())
	}
	if now, _ := s.docs.get("d"); now != held {
		t.Fatal("the check replaced the held copy")
	}
	if r := s.applyOne(engine.DocApply{Doc: "absent", Check: true}); r.Code != engine.CodeNotLoaded {
		t.Fatalf("check of a document not held: code %q, want %q", r.Code, engine.CodeNotLoaded)
	}
	// With Check, the load counts its round trip and vets, as before.
	if r := s.applyOne(engine.DocApply{Doc: "e", Load: true, Check: true, Root: true, Changes: chunks, Actor: testActor}); r.Error() != nil || s.roundTrips != 2 {
		t.Fatalf("checked load: %v, %d round trips", r.Error(), s.roundTrips)
	}
}
