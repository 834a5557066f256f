package node_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// busyCalendar adds 1,000 events to a new space's default calendar.
func busyCalendar(b *testing.B) (*node.Node, node.Space) {
	n, sp := benchNode(b)
	for i := range 1000 {
		ev := model.Event{Title: fmt.Sprintf("Meeting %d", i), Kind: "meeting", Status: "planned",
			Start: "2026-12-01T18:00:00+01:00", End: "2026-12-01T19:00:00+01:00", Recurrence: []string{"RRULE:FREQ=WEEKLY"}}
		if _, err := n.AddEvent(b.Context(), sp, "", ev); err != nil {
			b.Fatal(err)
		}
	}
	return n, sp
}

// longCase adds a case study whose body is 100,000 characters.
func longCase(b *testing.B) (*node.Node, node.Space, string) {
	n, sp := benchNode(b)
	id, err := n.AddCase(b.Context(), sp, model.CaseStudy{Titles: map[string]string{"en": "Archive"},
		Bodies: map[string]string{"en": strings.Repeat("The tenants organised. ", 100_000/23)}})
	if err != nil {
		b.Fatal(err)
	}
	return n, sp, id
}

// editEvents adds an event to the space's default calendar per loop.
func editEvents(b *testing.B, n *node.Node, sp node.Space) {
	ev := model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
		Start: "2027-01-10T11:00:00+01:00", End: "2027-01-10T13:00:00+01:00"}
	for b.Loop() {
		if _, err := n.AddEvent(b.Context(), sp, "", ev); err != nil {
			b.Fatal(err)
		}
	}
}

// editCase changes the case's region per loop.
func editCase(b *testing.B, n *node.Node, sp node.Space, id string) {
	i := 0
	for b.Loop() {
		i++
		region := fmt.Sprintf("Region %d", i)
		if err := n.PatchCase(b.Context(), sp, id, model.CasePatch{Lang: "en", Region: &region}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditNeverContinued measures an event added to a calendar of
// 1,000 events and an edit of a case study with a 100,000-character body,
// neither ever continued: what decision 0076 adds to every edit (a
// root-only view of the document to resolve its chain, a read of its root
// in the engine to admit the edit).
func BenchmarkEditNeverContinued(b *testing.B) {
	b.Run("event", func(b *testing.B) {
		n, sp := busyCalendar(b)
		editEvents(b, n, sp)
	})
	b.Run("case", func(b *testing.B) {
		n, sp, id := longCase(b)
		editCase(b, n, sp, id)
	})
}

// BenchmarkEditAfterDocContinue measures the same edits after the calendar
// and the case were continued, by the old case's ID: each resolves the
// chain from the old document. It reports, once, how long the
// continuation took.
func BenchmarkEditAfterDocContinue(b *testing.B) {
	b.Run("event", func(b *testing.B) {
		n, sp := busyCalendar(b)
		start := time.Now()
		if _, err := n.ContinueCalendar(b.Context(), sp, ""); err != nil {
			b.Fatal(err)
		}
		moved := time.Since(start)
		editEvents(b, n, sp)
		b.ReportMetric(float64(moved.Microseconds())/1000, "continue-ms")
	})
	b.Run("case", func(b *testing.B) {
		n, sp, id := longCase(b)
		start := time.Now()
		if _, err := n.ContinueCase(b.Context(), sp, id); err != nil {
			b.Fatal(err)
		}
		moved := time.Since(start)
		editCase(b, n, sp, id)
		b.ReportMetric(float64(moved.Microseconds())/1000, "continue-ms")
	})
}
