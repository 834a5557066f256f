package calendar

import (
	"cmp"
	"slices"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// View reads the calendar: its name and its events, sorted by start time
// (then by ID; a start that does not parse sorts first).
func View(doc *am.Doc) (*model.CalendarView, error) {
	if err := amdoc.Check(); err != nil {
		return nil, err
	}
	root, err := amdoc.Root(doc)
	if err != nil {
		return nil, err
	}
	events, err := amdoc.Read(root.Map("events"))
	if err != nil {
		return nil, err
	}
	v := RootView(root)
	v.Events = make([]model.Event, 0, len(events))
	for id, val := range events {
		if val.Kind() != am.KindMap {
			continue
		}
		f, err := amdoc.Read(val.Map())
		if err != nil {
			return nil, err
		}
		v.Events = append(v.Events, readEventFields(id, f))
	}
	sortEvents(v.Events)
	return v, nil
}

func readEventFields(id string, f amdoc.Fields) model.Event {
	return model.Event{
		ID: id, Title: f.Str("title"), Kind: f.Str("kind"), Status: f.Str("status"),
		Start: f.Str("start"), End: f.Str("end"), AllDay: f.Bool("all_day"),
		Zone: f.Str("zone"), Place: f.Str("place"), Online: f.Str("online"),
		Description: f.Str("description"), Languages: f.Strs("languages"),
		LocalVariants: readVariants(f.Map("local_variants")),
		Recurrence:    f.Strs("recurrence"), ICSUID: f.Str("ics_uid"),
		ICSSequence: f.Int("ics_sequence"), ICSModified: f.Str("ics_modified"),
	}
}

func readVariants(m *am.Map) map[string]model.LocalVariant {
	groups, err := amdoc.Read(m)
	if err != nil || len(groups) == 0 {
		return nil
	}
	out := make(map[string]model.LocalVariant, len(groups))
	for g := range groups {
		f, err := amdoc.Read(groups.Map(g))
		if err != nil {
			continue
		}
		out[g] = model.LocalVariant{Note: f.Str("note"), Start: f.Str("start"), End: f.Str("end"), Place: f.Str("place")}
	}
	return out
}

func sortEvents(evs []model.Event) {
	keys := make(map[string]time.Time, len(evs))
	for _, e := range evs {
		keys[e.ID] = startTime(e)
	}
	slices.SortFunc(evs, func(a, b model.Event) int {
		return cmp.Or(keys[a.ID].Compare(keys[b.ID]), cmp.Compare(a.ID, b.ID))
	})
}

// startTime is the instant an event starts; an all-day date counts as
// midnight UTC.
func startTime(e model.Event) time.Time {
	if t, err := time.Parse(time.RFC3339, e.Start); err == nil {
		return t
	}
	t, _ := time.Parse(time.DateOnly, e.Start)
	return t
}

// RootView is what the root alone says of the calendar: its name and its
// place in a chain of continuations (decision 0076), without its events.
func RootView(root amdoc.Fields) *model.CalendarView {
	return &model.CalendarView{Name: root.Str("name"), ContinuedIn: amdoc.Continuations(root, schema),
		Continues: root.Str("continues"), ContinuesAt: root.Str("continues_at")}
}

// Continue marks the calendar as continued in the calendar to (decision
// 0076), and returns the commit message.
func Continue(w *amdoc.Writer, to string) (string, error) {
	return "continue calendar", amdoc.Continue(w, schema, to)
}

// Admit refuses an edit of a calendar continued in another by a marker not
// in unfollowed.
func Admit(root amdoc.Fields, unfollowed []string) error {
	return amdoc.Admit(root, schema, "calendar", unfollowed)
}
