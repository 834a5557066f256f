package server

import (
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// TestReleaseDropsBinaryPages: a round trip of a large document drops
// the binary's read-only pages once it freed the live copy, before it
// loads the saved form, so that they do not count in the peak the load
// makes; the document is still there afterwards.
func TestReleaseDropsBinaryPages(t *testing.T) {
	likeAnEngine(t)
	old := reclaimAbove
	reclaimAbove = 1 << 20
	t.Cleanup(func() { reclaimAbove = old })
	chunks := ledgerChanges(t, 300)
	s := newServer(1 << 30)
	if resp := s.handle(engine.Request{Op: engine.OpLoad, Doc: "L", Changes: chunks, Actor: testActor}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	if s.docs.size("L") < reclaimAbove {
		t.Fatalf("estimate %d under %d: the test needs a larger document", s.docs.size("L"), reclaimAbove)
	}
	before, err := statusBytes("RssFile:")
	if err != nil {
		t.Fatal(err)
	}
	var during uint64
	s.afterRelease = func() { during, _ = statusBytes("RssFile:") }
	if resp := s.handle(engine.Request{Op: engine.OpCheck, Doc: "L"}); resp.Err != "" {
		t.Fatal(resp.Err)
	}
	// Reading the figure runs code of the binary again, which maps some
	// pages back (2 MiB at a time where the kernel holds the binary in
	// huge pages), and RssFile counts the C libraries too: a quarter
	// fewer is far from what an undropped binary shows (no fewer).
	if during == 0 || during > before*3/4 {
		t.Fatalf("resident file pages %d before the check, %d when the saved form loads: not dropped", before, during)
	}
	if v := s.handle(engine.Request{Op: engine.OpView, Doc: "L"}); v.Err != "" || v.View == nil || v.View.Ledger == nil || len(v.View.Ledger.Entries) != 300 {
		t.Fatalf("view after the check: %+v", v)
	}
}
