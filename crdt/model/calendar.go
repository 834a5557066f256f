package model

import "slices"

// EventKinds returns the kinds an event can be, in display order.
func EventKinds() []string {
	return []string{"action", "demonstration", "petition", "fundraiser", "training", "meeting", "other"}
}

// EventStatuses returns the statuses an event can have, in display order.
func EventStatuses() []string { return []string{"planned", "confirmed", "postponed", "cancelled"} }

// ValidKind reports whether k is one of EventKinds.
func ValidKind(k string) bool { return slices.Contains(EventKinds(), k) }

// ValidStatus reports whether s is one of EventStatuses.
func ValidStatus(s string) bool { return slices.Contains(EventStatuses(), s) }

// Event is one calendar entry as stored in a calendar document.
//
// Start and End are RFC 3339 times with an offset (for example
// "2026-12-01T18:00:00+01:00"), or plain dates "YYYY-MM-DD" when AllDay is
// set (End exclusive, as in iCalendar). Zone is the IANA zone the times were
// given in, where one was given. Recurrence holds RRULE, RDATE and EXDATE
// lines exactly as given; weft never rewrites or validates them.
type Event struct {
	ID            string                  `cbor:"id" json:"id"`
	Title         string                  `cbor:"title" json:"title"`
	Kind          string                  `cbor:"kind" json:"kind"`
	Status        string                  `cbor:"status" json:"status"`
	Start         string                  `cbor:"start" json:"start"`
	End           string                  `cbor:"end" json:"end"`
	AllDay        bool                    `cbor:"all_day" json:"all_day"`
	Zone          string                  `cbor:"zone" json:"zone"`
	Place         string                  `cbor:"place" json:"place"`
	Online        string                  `cbor:"online" json:"online"`
	Description   string                  `cbor:"description" json:"description"`
	Languages     []string                `cbor:"languages" json:"languages"`
	LocalVariants map[string]LocalVariant `cbor:"local_variants,omitempty" json:"local_variants,omitempty"`
	Recurrence    []string                `cbor:"recurrence,omitempty" json:"recurrence,omitempty"`
	ICSUID        string                  `cbor:"ics_uid,omitempty" json:"ics_uid,omitempty"`
	ICSSequence   int64                   `cbor:"ics_sequence,omitempty" json:"ics_sequence,omitempty"`
	ICSModified   string                  `cbor:"ics_modified,omitempty" json:"ics_modified,omitempty"`
}

// LocalVariant is how one local group holds an event differently: its own
// note, time or place.
type LocalVariant struct {
	Note  string `cbor:"note" json:"note"`
	Start string `cbor:"start" json:"start"`
	End   string `cbor:"end" json:"end"`
	Place string `cbor:"place" json:"place"`
}

// EventPatch is a per-field edit of one event: nil fields are left alone, so
// a concurrent edit of another field is never overwritten.
type EventPatch struct {
	ID            string                   `cbor:"id"`
	Title         *string                  `cbor:"title,omitempty"`
	Kind          *string                  `cbor:"kind,omitempty"`
	Status        *string                  `cbor:"status,omitempty"`
	Start         *string                  `cbor:"start,omitempty"`
	End           *string                  `cbor:"end,omitempty"`
	AllDay        *bool                    `cbor:"all_day,omitempty"`
	Zone          *string                  `cbor:"zone,omitempty"`
	Place         *string                  `cbor:"place,omitempty"`
	Online        *string                  `cbor:"online,omitempty"`
	Description   *string                  `cbor:"description,omitempty"`
	Languages     *[]string                `cbor:"languages,omitempty"`
	LocalVariants map[string]*LocalVariant `cbor:"local_variants,omitempty"` // nil value deletes the variant
	Recurrence    *[]string                `cbor:"recurrence,omitempty"`
	ICSUID        *string                  `cbor:"ics_uid,omitempty"`
	ICSSequence   *int64                   `cbor:"ics_sequence,omitempty"`
	ICSModified   *string                  `cbor:"ics_modified,omitempty"`
}

// CalendarView is what a calendar document holds.
type CalendarView struct {
	Name   string  `cbor:"name" json:"name"`
	Events []Event `cbor:"events" json:"events"`
	// ContinuedIn, Continues and ContinuesAt place the document in a chain
	// of continuations (decision 0076): the documents it is continued in,
	// ascending (the first held one is where it continues), and the
	// document it continues with that document's heads (hex change hashes,
	// ascending, comma-separated) when its content was carried.
	ContinuedIn []string `cbor:"continued_in,omitempty" json:"continued_in,omitempty"`
	Continues   string   `cbor:"continues,omitempty" json:"continues,omitempty"`
	ContinuesAt string   `cbor:"continues_at,omitempty" json:"continues_at,omitempty"`
}
