package ledgerhist

import (
	"cmp"
	"slices"
)

// step reports what the change at index i (with any it let apply) did to
// the entries it touched, appending to events.
func (x *index) step(i int, events []Event) []Event {
	affected := map[string]bool{}
	if x.full {
		x.rebuild(affected)
	} else {
		for e := range x.dirty {
			x.reindex(e, affected)
		}
	}
	x.full = false
	clear(x.dirty)
	for id := range x.volatile {
		affected[id] = true
	}
	now, gone := x.split(affected)
	for _, e := range now {
		events = x.seen(i, x.idOf[e], fields(entry(e)), events)
	}
	for _, id := range gone {
		events = append(events, Event{Change: i, EntryID: id, Action: Deleted})
		delete(x.present, id)
		delete(x.volatile, id)
	}
	return events
}

// split sorts the affected IDs into the elements now carrying them, in list
// order, and the IDs that were present and are gone, sorted.
func (x *index) split(affected map[string]bool) (now []*elem, gone []string) {
	for id := range affected {
		if r := x.rep(id); r != nil {
			now = append(now, r)
		} else if x.present[id] {
			gone = append(gone, id)
		}
	}
	slices.SortFunc(now, func(a, b *elem) int { return cmp.Compare(a.label, b.label) })
	slices.Sort(gone)
	return now, gone
}

// seen compares entry id's fields now, cur, with those last seen.
func (x *index) seen(i int, id string, cur map[string]any, events []Event) []Event {
	old, known := x.known[id]
	switch {
	case !known:
		events = append(events, Event{Change: i, EntryID: id, Action: Recorded})
	case !x.present[id]:
		events = append(events, Event{Change: i, EntryID: id, Action: Restored})
		fallthrough
	default:
		for _, f := range changedFields(old, cur) {
			events = append(events, Event{Change: i, EntryID: id, Action: Altered, Field: f})
		}
	}
	x.known[id], x.present[id] = cur, true
	if changedFields(cur, cur) != nil {
		x.volatile[id] = true
	} else {
		delete(x.volatile, id)
	}
	return events
}

// changedFields names, sorted, the fields whose values differ between a and b.
func changedFields(a, b map[string]any) []string {
	var out []string
	for k, av := range a {
		if bv, ok := b[k]; !ok || !equal(av, bv) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
