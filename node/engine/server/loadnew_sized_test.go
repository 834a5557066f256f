package server

import (
	"fmt"
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// TestLoadNewSizedAsCounted: a new document loaded, checked and answered
// with its root (loadNew) is sized in the cache by the operations
// automerge counted while loading it, which is what estimate gives by
// parsing its changes (decision 0044): for a document of one change, of
// two, and of many, each well over the per-change floor for the last.
func TestLoadNewSizedAsCounted(t *testing.T) {
	chunks := ledgerChanges(t, 300)
	s := newServer(1 << 40)
	for _, n := range []int{1, 2, 300} {
		doc := fmt.Sprint("doc-", n)
		part := chunks[:n]
		res := s.applyOne(engine.DocApply{Doc: doc, Load: true, Check: true, Root: true, Changes: part, Actor: testActor})
		if res.Error() != nil || res.Root == nil {
			t.Fatalf("%d changes: %v, root %v", n, res.Error(), res.Root)
		}
		if got, want := s.docs.size(doc), estimate(part); got != want {
			t.Fatalf("a new document of %d changes is sized %d bytes, want %d", n, got, want)
		}
		if got, floor := s.docs.size(doc), int64(n)*bytesPerChange; n == 300 && got <= floor {
			t.Fatalf("300 ledger entries sized %d bytes, want more than the per-change floor %d", got, floor)
		}
	}
}
