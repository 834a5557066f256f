package node

import (
	"slices"
	"testing"
	"time"
)

// TestDueLeavesHeldDocumentsToSettle: the network's checker (due with
// idle set) passes over a document a sync session holds open, until it
// has been held for maxHold since its oldest unchecked change; Close's
// pass (idle zero) takes it (decision 0054).
func TestDueLeavesHeldDocumentsToSettle(t *testing.T) {
	var d deferredChecks
	now := time.Now()
	d.add("held", [][32]byte{{1}}, now.Add(-time.Second))
	d.add("free", [][32]byte{{2}}, now.Add(-time.Second))
	d.add("long", [][32]byte{{3}}, now.Add(-maxHold-time.Second))
	d.hold("held")
	d.hold("long")
	got := d.due(now, checkIdle)
	slices.Sort(got)
	if want := []string{"free", "long"}; !slices.Equal(got, want) {
		t.Fatalf("due(checkIdle) = %v, want %v: a document held open less than maxHold is left to its Settle", got, want)
	}
	got = d.due(now, 0)
	slices.Sort(got)
	if want := []string{"free", "held", "long"}; !slices.Equal(got, want) {
		t.Fatalf("due(0) = %v, want %v: Close checks every document", got, want)
	}
	d.release("held")
	if got := d.due(now, checkIdle); !slices.Contains(got, "held") {
		t.Fatalf("due(checkIdle) = %v after the hold was released, want it to hold %q", got, "held")
	}
}
