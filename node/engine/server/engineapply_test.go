package server

import (
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// TestApplyGrowsAsCounted: a part of received changes grows the cache's
// estimate of its document by what estimate gives for them (the count of
// operations automerge reports while applying is the count wire.CountOps
// parses out of the changes), and a part the document held already grows
// it by no operations, only by the per-change floor (decision 0037).
func TestApplyGrowsAsCounted(t *testing.T) {
	chunks := ledgerChanges(t, 300)
	s := newServer(1 << 40)
	if _, err := s.load(engine.Request{Op: engine.OpLoad, Doc: "l", Changes: chunks[:1], Actor: testActor}); err != nil {
		t.Fatal(err)
	}
	for _, part := range [][][]byte{chunks[1:2], chunks[2:258], chunks[258:]} {
		before := s.docs.size("l")
		if _, err := s.apply(engine.Request{Op: engine.OpApply, Doc: "l", Changes: part}); err != nil {
			t.Fatal(err)
		}
		if got, want := s.docs.size("l")-before, estimate(part); got != want || want <= int64(len(part))*bytesPerChange {
			t.Fatalf("a part of %d entries grew the estimate by %d bytes, want %d (more than the per-change floor %d)",
				len(part), got, want, int64(len(part))*bytesPerChange)
		}
	}
	before := s.docs.size("l")
	again := chunks[10:20]
	if _, err := s.apply(engine.Request{Op: engine.OpApply, Doc: "l", Changes: again}); err != nil {
		t.Fatal(err)
	}
	if got, want := s.docs.size("l")-before, int64(len(again))*bytesPerChange; got != want {
		t.Fatalf("changes held already grew the estimate by %d bytes, want the floor %d", got, want)
	}
}
