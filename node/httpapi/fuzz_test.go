package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// FuzzInputs runs request bodies through the checks the API makes before
// it asks the node: they must refuse or accept, never panic, and what they
// accept must hold the forms the node stores.
func FuzzInputs(f *testing.F) {
	f.Add([]byte(`{"title":"T","start":"2026-12-01 18:00","zone":"Europe/Paris","end":"2026-12-01T19:00:00+01:00"}`))
	f.Add([]byte(`{"title":"T","start":"2026-12-01","all_day":true,"end":"2026-12-03"}`))
	f.Add([]byte(`{"amount":"12.50","currency":"eur","direction":"in","date":"2026-11-26"}`))
	f.Add([]byte(`{"start":"2026-02-30T10:00:00Z","zone":"Local"}`))
	stored := model.Event{ID: "x", Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"}
	f.Fuzz(func(t *testing.T, body []byte) {
		var ev eventInput
		if json.Unmarshal(body, &ev) == nil {
			if e, err := ev.event(); err == nil {
				checkStoredTimes(t, e.Start, e.End, e.AllDay)
			}
			if p, err := ev.patch(stored); err == nil && p.Start != nil {
				checkStoredTimes(t, *p.Start, *p.End, *p.AllDay)
			}
		}
		var en entryInput
		if json.Unmarshal(body, &en) == nil {
			if e, err := en.entry(); err == nil {
				if _, err := model.ParseDay(e.Date); err != nil {
					t.Fatalf("accepted entry date %q: %v", e.Date, err)
				}
			}
		}
	})
}

func checkStoredTimes(t *testing.T, start, end string, allDay bool) {
	t.Helper()
	for _, s := range []string{start, end} {
		if s == "" { // no end
			continue
		}
		var err error
		if allDay {
			_, err = model.ParseDay(s)
		} else {
			_, _, err = model.ParseTime(s, "", nil)
			if len(s) < 20 { // no offset: the stored form always has one
				t.Fatalf("accepted time %q has no offset", s)
			}
		}
		if err != nil {
			t.Fatalf("accepted time %q does not parse back: %v", s, err)
		}
	}
}
