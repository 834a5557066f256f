package node_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// archive adds to sp a case study with two languages and every field set,
// and returns its ID.
func archive(t *testing.T, n *node.Node, sp node.Space) string {
	t.Helper()
	ctx := t.Context()
	id := must[string](t)(n.AddCase(ctx, sp, model.CaseStudy{
		Titles:  map[string]string{"en": "Rent strike", "es": "Huelga de alquileres"},
		Bodies:  map[string]string{"en": "Tenants stopped paying.", "es": "Los inquilinos dejaron de pagar."},
		Summary: "A year-long strike", Region: "Madrid", Period: "2019-2021", Tags: []string{"housing", "strike"},
		Outcomes: "Rents frozen", Lessons: "Organise by building", Sources: []string{"https://example.org/strike"}}))
	body := "Tenants stopped paying, building by building."
	if err := n.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Body: &body}); err != nil {
		t.Fatal(err)
	}
	return id
}

// sameContent reports whether two case studies hold the same content,
// whatever their IDs and places in a chain.
func sameContent(a, b model.CaseStudy) bool {
	a.ID, a.ContinuedIn, a.Continues, a.ContinuesAt = "", nil, "", ""
	b.ID, b.ContinuedIn, b.Continues, b.ContinuesAt = "", nil, "", ""
	return reflect.DeepEqual(a, b)
}

// refusedContinued checks that edit e made straight into doc is refused
// because doc continues in to.
func refusedContinued(t *testing.T, n *node.Node, sp node.Space, doc, to string, e model.Edit) {
	t.Helper()
	err := node.EditIn(t.Context(), n, sp, doc, e)
	if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "continued in "+to) {
		t.Fatalf("%s: edit of the continued %s: %v, want ErrInvalid saying continued in %s", n.Name(), doc, err, to)
	}
}

// TestContinueCaseCarriesContent: continuing a case study makes a new one
// with the same content in every language, recording the old one's ID and
// heads. On both members (synced over libp2p on 127.0.0.1) the old ID
// reads and edits the new one, the list shows the new one only, the old
// one refuses an edit made straight into it, and status names the chain.
func TestContinueCaseCarriesContent(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	old := archive(t, a, sp)
	before := must[model.CaseStudy](t)(a.Case(ctx, sp, old))

	c := must[node.DocContinuation](t)(a.ContinueCase(ctx, sp, old[:12]))
	if c.From != old || c.To == old || c.Heads == "" || c.Type != model.Case {
		t.Fatalf("continuation %+v of %s", c, old)
	}
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)
	converge(t, pa, pb)
	for i, n := range []*node.Node{a, b} {
		got := must[model.CaseStudy](t)(n.Case(ctx, sp, old))
		if got.ID != c.To || got.Continues != old || got.ContinuesAt != c.Heads || !sameContent(got, before) {
			t.Fatalf("%s: case by the old ID %+v, want the content of %+v in %s", n.Name(), got, before, c.To)
		}
		if list := must[[]model.CaseStudy](t)(n.Cases(ctx, sp)); len(list) != 1 || list[0].ID != c.To {
			t.Fatalf("%s: list %+v, want %s alone", n.Name(), list, c.To)
		}
		lessons := []string{"Organise by floor", "Organise by street"}[i]
		if err := n.PatchCase(ctx, sp, old, model.CasePatch{Lang: "en", Lessons: &lessons}); err != nil {
			t.Fatalf("%s: edit by the old ID: %v", n.Name(), err)
		}
		if got := must[model.CaseStudy](t)(n.Case(ctx, sp, c.To)); got.Lessons != lessons {
			t.Fatalf("%s: the edit by the old ID is not in the new case: %+v", n.Name(), got)
		}
		refusedContinued(t, n, sp, old, c.To, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Lessons: &lessons}})
		want := node.DocChain{Current: c.To, Previous: []string{old}, Duplicates: []string{}, Announced: []string{}}
		if chain := must[node.DocChain](t)(n.CaseChain(ctx, sp, old)); !reflect.DeepEqual(chain, want) {
			t.Fatalf("%s: chain %+v, want %+v", n.Name(), chain, want)
		}
		// Status reads no case study's root (it would load every one).
		if cont := must[node.Status](t)(n.Status(ctx)).Spaces[0].Continued; len(cont) != 0 {
			t.Fatalf("%s: status lists %+v as continued, want no case studies", n.Name(), cont)
		}
	}
}

// meetings adds events to sp's default calendar: a weekly meeting with a
// cancelled date, a cancelled action and a local variant.
func meetings(t *testing.T, n *node.Node, sp node.Space) []string {
	t.Helper()
	var ids []string
	for _, ev := range []model.Event{
		{Title: "Weekly meeting", Kind: "meeting", Status: "confirmed", Start: "2026-12-01T18:00:00+01:00",
			End: "2026-12-01T19:00:00+01:00", Zone: "Europe/Madrid", Languages: []string{"es"},
			Recurrence: []string{"RRULE:FREQ=WEEKLY;BYDAY=TU", "EXDATE:20261222T180000"}},
		{Title: "Picket", Kind: "action", Status: "cancelled", Start: "2026-12-05", End: "2026-12-06", AllDay: true,
			LocalVariants: map[string]model.LocalVariant{"north": {Note: "meet at the bakery", Place: "Calle Norte"}}},
	} {
		ids = append(ids, must[string](t)(n.AddEvent(t.Context(), sp, "", ev)))
	}
	return ids
}

// eventsOf is the events of evs without the calendar they are in.
func eventsOf(evs []node.CalendarEvent) []model.Event {
	out := make([]model.Event, len(evs))
	for i, e := range evs {
		out[i] = e.Event
	}
	return out
}

// TestContinueCalendarCarriesEvents: continuing a space's default calendar
// makes a new one of the same name with every event, its ID, recurrence,
// cancellation and local variants. On both members (synced over libp2p)
// the events are listed once, from the new calendar; a new event and an
// edit by event ID land there; the old calendar refuses an event added
// straight into it; status names the chain.
func TestContinueCalendarCarriesEvents(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	ids := meetings(t, a, sp)
	old := must[[]node.DocRef](t)(a.Calendars(ctx, sp))[0]
	before := eventsOf(must[[]node.CalendarEvent](t)(a.Events(ctx, sp, "")))

	c := must[node.DocContinuation](t)(a.ContinueCalendar(ctx, sp, ""))
	if c.From != old.ID || c.To == old.ID || c.Heads == "" || c.Type != model.Calendar {
		t.Fatalf("continuation %+v of %s", c, old.ID)
	}
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)
	converge(t, pa, pb)
	for _, n := range []*node.Node{a, b} {
		evs := must[[]node.CalendarEvent](t)(n.Events(ctx, sp, ""))
		if !reflect.DeepEqual(eventsOf(evs), before) || evs[0].Calendar != c.To {
			t.Fatalf("%s: events %+v, want %+v in %s", n.Name(), evs, before, c.To)
		}
		if cals := must[[]node.DocRef](t)(n.Calendars(ctx, sp)); len(cals) != 1 || cals[0].ID != c.To || cals[0].Name != old.Name {
			t.Fatalf("%s: calendars %+v, want %s named %q", n.Name(), cals, c.To, old.Name)
		}
		for _, arg := range []string{"", old.ID, old.Name} {
			if evs := must[[]node.CalendarEvent](t)(n.Events(ctx, sp, arg)); len(evs) != len(before) || evs[0].Calendar != c.To {
				t.Fatalf("%s: events of calendar %q: %+v", n.Name(), arg, evs)
			}
		}
	}
	for i, n := range []*node.Node{a, b} {
		id := must[string](t)(n.AddEvent(ctx, sp, old.ID, model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
			Start: "2027-01-10T11:00:00+01:00", End: "2027-01-10T13:00:00+01:00"}))
		title := []string{"Weekly assembly", "Weekly meeting (north)"}[i]
		if err := n.PatchEvent(ctx, sp, model.EventPatch{ID: ids[0], Title: &title}); err != nil {
			t.Fatalf("%s: edit of a carried event: %v", n.Name(), err)
		}
		for _, want := range []string{id, ids[0]} {
			if ev := must[node.CalendarEvent](t)(n.Event(ctx, sp, want)); ev.Calendar != c.To {
				t.Fatalf("%s: event %s is in %s, want %s", n.Name(), want, ev.Calendar, c.To)
			}
		}
		if ev := must[node.CalendarEvent](t)(n.Event(ctx, sp, ids[0])); ev.Title != title {
			t.Fatalf("%s: edited event %+v", n.Name(), ev)
		}
		refusedContinued(t, n, sp, old.ID, c.To, model.Edit{AddEvent: &model.Event{ID: model.NewItemID(), Title: "Late",
			Kind: "meeting", Status: "planned", Start: "2027-01-11T11:00:00+01:00", End: "2027-01-11T12:00:00+01:00"}})
		want := node.DocChain{Current: c.To, Previous: []string{old.ID}, Duplicates: []string{}, Announced: []string{}}
		if chain := must[node.DocChain](t)(n.CalendarChain(ctx, sp, old.ID)); !reflect.DeepEqual(chain, want) {
			t.Fatalf("%s: chain %+v, want %+v", n.Name(), chain, want)
		}
		st := must[node.Status](t)(n.Status(ctx))
		if cont := st.Spaces[0].Continued; len(cont) != 1 || cont[0].Type != model.Calendar || !reflect.DeepEqual(cont[0].Chain, want) {
			t.Fatalf("%s: status lists %+v as continued", n.Name(), cont)
		}
		converge(t, pa, pb)
	}
}

// TestConcurrentDocContinuationsResolveAlike: two members continue the same
// case study and the same calendar while apart, then sync over libp2p on
// 127.0.0.1. Both nodes resolve each to the new document with the lower
// ID, report the other as a duplicate, and send edits by the old IDs
// there, including the member whose own continuation lost.
func TestConcurrentDocContinuationsResolveAlike(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	oldCase := archive(t, a, sp)
	meetings(t, a, sp)
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)
	converge(t, pa, pb)
	oldCal := must[[]node.DocRef](t)(a.Calendars(ctx, sp))[0].ID

	ca := must[node.DocContinuation](t)(a.ContinueCase(ctx, sp, oldCase))
	cb := must[node.DocContinuation](t)(b.ContinueCase(ctx, sp, oldCase))
	ka := must[node.DocContinuation](t)(a.ContinueCalendar(ctx, sp, ""))
	kb := must[node.DocContinuation](t)(b.ContinueCalendar(ctx, sp, ""))
	converge(t, pa, pb)
	caseWin := node.DocChain{Current: min(ca.To, cb.To), Previous: []string{oldCase}, Duplicates: []string{max(ca.To, cb.To)}, Announced: []string{}}
	calWin := node.DocChain{Current: min(ka.To, kb.To), Previous: []string{oldCal}, Duplicates: []string{max(ka.To, kb.To)}, Announced: []string{}}
	for _, n := range []*node.Node{a, b} {
		if got := must[node.DocChain](t)(n.CaseChain(ctx, sp, oldCase)); !reflect.DeepEqual(got, caseWin) {
			t.Fatalf("%s: case chain %+v, want %+v", n.Name(), got, caseWin)
		}
		if got := must[node.DocChain](t)(n.CalendarChain(ctx, sp, "")); !reflect.DeepEqual(got, calWin) {
			t.Fatalf("%s: calendar chain %+v, want %+v", n.Name(), got, calWin)
		}
		region := "Madrid, " + n.Name()
		if err := n.PatchCase(ctx, sp, oldCase, model.CasePatch{Lang: "en", Region: &region}); err != nil {
			t.Fatal(err)
		}
		if got := must[model.CaseStudy](t)(n.Case(ctx, sp, caseWin.Current)); got.Region != region {
			t.Fatalf("%s: the edit by the old ID is not in the winning case %s: %+v", n.Name(), caseWin.Current, got)
		}
		id := must[string](t)(n.AddEvent(ctx, sp, "", model.Event{Title: "Assembly " + n.Name(), Kind: "meeting",
			Status: "planned", Start: "2027-01-10T11:00:00+01:00", End: "2027-01-10T13:00:00+01:00"}))
		if ev := must[node.CalendarEvent](t)(n.Event(ctx, sp, id)); ev.Calendar != calWin.Current {
			t.Fatalf("%s: new event in %s, want the winning calendar %s", n.Name(), ev.Calendar, calWin.Current)
		}
		if cals := must[[]node.DocRef](t)(n.Calendars(ctx, sp)); len(cals) != 2 || cals[0].ID != calWin.Current {
			t.Fatalf("%s: calendars %+v, want the winner first and the duplicate", n.Name(), cals)
		}
	}
}

// TestForgedDocMarkerStopsNothing: a modified client marks a case study
// and a calendar as continued in an ID no node holds, lower than any real
// one. Edits still land in both, on the node that received the markers as
// on the one that wrote them; the chains and status name the continuation
// as announced; an honest continuation then leads both nodes past it.
func TestForgedDocMarkerStopsNothing(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	oldCase := archive(t, a, sp)
	exchange(t, a, b, sp)
	oldCal := must[[]node.DocRef](t)(a.Calendars(ctx, sp))[0].ID
	forged := strings.Repeat("2", model.IDLen-1) + "a" // lower than any ID NewID draws, but by a chance of 2^-125
	forgeMarker(t, a, b, sp, oldCase, forged)
	forgeMarker(t, a, b, sp, oldCal, forged)

	for _, n := range []*node.Node{a, b} {
		region := "Madrid, " + n.Name()
		if err := n.PatchCase(ctx, sp, oldCase, model.CasePatch{Lang: "en", Region: &region}); err != nil {
			t.Fatalf("%s: edit of the case with a forged marker: %v", n.Name(), err)
		}
		if got := must[model.CaseStudy](t)(n.Case(ctx, sp, oldCase)); got.ID != oldCase || got.Region != region {
			t.Fatalf("%s: case %+v, want the edit in %s", n.Name(), got, oldCase)
		}
		id, err := n.AddEvent(ctx, sp, "", model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
			Start: "2027-01-10T11:00:00+01:00", End: "2027-01-10T13:00:00+01:00"})
		if err != nil {
			t.Fatalf("%s: event into the calendar with a forged marker: %v", n.Name(), err)
		}
		if ev := must[node.CalendarEvent](t)(n.Event(ctx, sp, id)); ev.Calendar != oldCal {
			t.Fatalf("%s: event in %s, want %s", n.Name(), ev.Calendar, oldCal)
		}
		want := node.DocChain{Current: oldCase, Previous: []string{}, Duplicates: []string{}, Announced: []string{forged}}
		if c := must[node.DocChain](t)(n.CaseChain(ctx, sp, oldCase)); !reflect.DeepEqual(c, want) {
			t.Fatalf("%s: case chain %+v, want %+v", n.Name(), c, want)
		}
		if st := must[node.Status](t)(n.Status(ctx)); len(st.Spaces[0].Continued) != 1 || st.Spaces[0].Continued[0].Type != model.Calendar {
			t.Fatalf("%s: status lists %+v, want the calendar with an announced continuation", n.Name(), st.Spaces[0].Continued)
		}
		// Straight into the case without the marker it does not follow: refused.
		refusedContinued(t, n, sp, oldCase, forged, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Region: &region}})
	}

	c := must[node.DocContinuation](t)(a.ContinueCase(ctx, sp, oldCase))
	exchange(t, a, b, sp)
	for _, n := range []*node.Node{a, b} {
		want := node.DocChain{Current: c.To, Previous: []string{oldCase}, Duplicates: []string{}, Announced: []string{forged}}
		if got := must[node.DocChain](t)(n.CaseChain(ctx, sp, oldCase)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: chain %+v, want %+v", n.Name(), got, want)
		}
		lessons := "Keep records, " + n.Name()
		if err := n.PatchCase(ctx, sp, oldCase, model.CasePatch{Lang: "en", Lessons: &lessons}); err != nil {
			t.Fatal(err)
		}
		if got := must[model.CaseStudy](t)(n.Case(ctx, sp, c.To)); got.Lessons != lessons {
			t.Fatalf("%s: the edit is not in the new case: %+v", n.Name(), got)
		}
	}
}
