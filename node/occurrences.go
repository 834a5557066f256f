package node

import (
	"fmt"
	"sort"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/weftsync/weft/crdt/model"
)

// maxOccurrences bounds one recurring event's expansion.
const maxOccurrences = 1000

// defaultExpandSpan is how far an expansion with no --to reaches.
const defaultExpandSpan = 366 * 24 * time.Hour

// SelectEvents keeps the events that start in [from, to) (a zero bound is
// open). Without expand a recurring event is kept once, with its rule, when
// any occurrence could fall in the range; with expand each occurrence in the
// range is listed as an event of its own.
func SelectEvents(evs []CalendarEvent, from, to time.Time, expand bool) ([]CalendarEvent, error) {
	var out []CalendarEvent
	for _, ev := range evs {
		start := eventStart(ev.Event)
		switch {
		case expand && len(ev.Recurrence) > 0:
			occ, err := occurrences(ev, from, to)
			if err != nil {
				return nil, err
			}
			out = append(out, occ...)
		case len(ev.Recurrence) > 0:
			if to.IsZero() || start.Before(to) {
				out = append(out, ev)
			}
		case inRange(start, from, to):
			out = append(out, ev)
		}
	}
	if expand {
		sort.SliceStable(out, func(i, j int) bool { return eventStart(out[i].Event).Before(eventStart(out[j].Event)) })
	}
	return out, nil
}

func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// occurrences expands a recurring event's rule, kept as given, into one
// event per occurrence in [from, to).
func occurrences(ev CalendarEvent, from, to time.Time) ([]CalendarEvent, error) {
	start := eventStart(ev.Event)
	set, err := rrule.StrSliceToRRuleSetInLoc(ev.Recurrence, start.Location())
	if err != nil {
		return nil, fmt.Errorf("%w: event %s has a recurrence rule weft cannot expand (%v); list it without --expand", ErrInvalid, ev.ID, err)
	}
	set.DTStart(start)
	if from.IsZero() {
		from = start
	}
	if to.IsZero() {
		to = from.Add(defaultExpandSpan)
	}
	dur := eventEnd(ev.Event).Sub(start)
	var out []CalendarEvent
	iter := set.Iterator()
	for t, ok := iter(); ok && t.Before(to) && len(out) < maxOccurrences; t, ok = iter() {
		if t.Before(from) {
			continue
		}
		out = append(out, occurrence(ev, t, dur))
	}
	return out, nil
}

func occurrence(ev CalendarEvent, t time.Time, dur time.Duration) CalendarEvent {
	o := ev
	o.Recurrence = nil
	if ev.AllDay {
		o.Start = t.Format(time.DateOnly)
		o.End = t.Add(dur).Format(time.DateOnly)
		return o
	}
	o.Start = t.Format(time.RFC3339)
	if ev.End != "" {
		o.End = t.Add(dur).Format(time.RFC3339)
	}
	return o
}

// eventStart parses an event's stored start (RFC 3339, or a date for
// all-day events, read in the event's zone).
func eventStart(ev model.Event) time.Time { return parseStored(ev.Start, ev.Zone) }

// eventEnd is the event's end, or its start when it has none.
func eventEnd(ev model.Event) time.Time {
	if ev.End == "" {
		return eventStart(ev)
	}
	return parseStored(ev.End, ev.Zone)
}

func parseStored(s, zone string) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
			return t.In(loc)
		}
		return t
	}
	loc := time.Local
	if l, err := time.LoadLocation(zone); err == nil && zone != "" {
		loc = l
	}
	t, _ := time.ParseInLocation(time.DateOnly, s, loc)
	return t
}
