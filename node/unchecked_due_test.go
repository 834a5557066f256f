package node

import (
	"slices"
	"testing"
	"time"
)

// TestFreshDue: new documents stored unchecked wait for a pause in new
// documents (idle), except those that have waited freshMaxWait; force
// takes them all, max bounds a group, and the other deferred checks leave
// them to their own pass unless everything is asked for.
func TestFreshDue(t *testing.T) {
	var d deferredChecks
	t0 := time.Unix(1000, 0)
	idle := 250 * time.Millisecond
	due := func(at time.Duration, force bool, max int) []string {
		docs, _ := d.freshDue(t0.Add(at), idle, force, max)
		slices.Sort(docs)
		return docs
	}
	d.addFresh("d1", [][32]byte{{1}}, t0)
	if got := due(100*time.Millisecond, false, 10); len(got) != 0 {
		t.Fatalf("due 100 ms after the last new document: %v", got)
	}
	if got := due(300*time.Millisecond, false, 10); !slices.Equal(got, []string{"d1"}) {
		t.Fatalf("due after a pause: %v", got)
	}
	d.addFresh("d2", [][32]byte{{2}}, t0.Add(1800*time.Millisecond))
	d.addFresh("d3", [][32]byte{{3}}, t0.Add(2000*time.Millisecond))
	if got := due(2100*time.Millisecond, false, 10); !slices.Equal(got, []string{"d1"}) {
		t.Fatalf("due while new documents arrive: %v, want the one stored freshMaxWait ago", got)
	}
	if got := due(2100*time.Millisecond, true, 10); !slices.Equal(got, []string{"d1", "d2", "d3"}) {
		t.Fatalf("forced: %v", got)
	}
	if got := due(2100*time.Millisecond, true, 2); len(got) != 2 {
		t.Fatalf("forced, two at most: %v", got)
	}
	if got := d.due(t0.Add(time.Hour), idle); len(got) != 0 {
		t.Fatalf("the idle checker took new documents: %v", got)
	}
	if got := d.due(t0.Add(time.Hour), 0); len(got) != 3 {
		t.Fatalf("everything asked for (Close): %v", got)
	}
	if !d.freshSince(t0.Add(1900*time.Millisecond)) || d.freshSince(t0.Add(2000*time.Millisecond)) {
		t.Fatal("freshSince")
	}
	d.unfresh("d1")
	if d.isFresh("d1") || !d.isFresh("d2") {
		t.Fatal("unfresh")
	}
}
