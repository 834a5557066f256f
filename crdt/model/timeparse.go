package model

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors returned by ParseTime, ParseDate, ParseDay, ParseRange and
// WallTime, wrapped with the offending value; match them with errors.Is.
var (
	// ErrInvalidTime means a time is not written in a form weft reads.
	ErrInvalidTime = errors.New("model: invalid time")
	// ErrInvalidDate means a date is not YYYY-MM-DD or does not exist.
	ErrInvalidDate = errors.New("model: invalid date")
	// ErrUnknownZone means a zone name is not an IANA time zone.
	ErrUnknownZone = errors.New("model: unknown time zone")
	// ErrNonexistentTime means a wall-clock time falls in a DST gap.
	ErrNonexistentTime = errors.New("model: time does not exist")
	// ErrAmbiguousTime means a wall-clock time happens twice (DST overlap)
	// and no offset says which one is meant.
	ErrAmbiguousTime = errors.New("model: ambiguous time")
	// ErrOffsetMismatch means a time's offset contradicts its zone.
	ErrOffsetMismatch = errors.New("model: offset contradicts zone")
	// ErrEmptyRange means a range's end is not after its start.
	ErrEmptyRange = errors.New("model: empty range")
)

// ZoneLoader finds a time zone by IANA name, as time.LoadLocation does.
type ZoneLoader func(name string) (*time.Location, error)

// ParseTime reads a time given by a person (DESIGN.md section 3) and
// returns it with the name of the zone it was read in. It is
// ParseTimeWith using time.LoadLocation.
func ParseTime(s, zone string, local *time.Location) (time.Time, string, error) {
	return ParseTimeWith(s, zone, local, time.LoadLocation)
}

// ParseTimeWith reads s, one of
//
//	2026-12-01T18:00:00+01:00  RFC 3339 (seconds optional, "T" or a space)
//	2026-12-01T17:00:00Z       an instant in UTC
//	2026-12-01 18:00           a wall-clock time (also with "T", optional :SS)
//
// A wall-clock time is read in zone, an IANA name found with load, or, when
// zone is empty, in local (UTC when local is nil). A wall-clock time that
// does not exist there (DST gap) wraps ErrNonexistentTime; one that happens
// twice (DST overlap) wraps ErrAmbiguousTime and must be given with an
// offset. A numeric offset that differs from zone's offset at that instant
// wraps ErrOffsetMismatch; "Z" names an instant and never contradicts a zone.
// The returned time is in zone's location when a zone was used; zoneUsed is
// the zone's name, local's name for a wall-clock time read in local, and ""
// for a time with an offset and no zone.
func ParseTimeWith(s, zone string, local *time.Location, load ZoneLoader) (t time.Time, zoneUsed string, err error) {
	wall, off, hasOff, err := splitTime(s)
	if err != nil {
		return time.Time{}, "", err
	}
	loc, zoneUsed, err := pickZone(zone, local, load)
	if err != nil {
		return time.Time{}, "", err
	}
	if !hasOff {
		t, err = WallTime(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), loc)
		return t, zoneUsed, err
	}
	t = time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, off)
	if zone == "" {
		return t, "", nil
	}
	return t.In(loc), zoneUsed, checkOffset(s, t, loc)
}

// pickZone loads zone, or falls back to local.
func pickZone(zone string, local *time.Location, load ZoneLoader) (*time.Location, string, error) {
	if zone == "" {
		if local == nil {
			local = time.UTC
		}
		return local, local.String(), nil
	}
	if load == nil {
		load = time.LoadLocation
	}
	loc, err := load(zone)
	if err != nil || zone == "Local" {
		return nil, "", fmt.Errorf("%w %q: use an IANA name such as Europe/Paris or America/New_York", ErrUnknownZone, zone)
	}
	return loc, zone, nil
}

// checkOffset refuses a numeric offset that differs from loc's at t.
func checkOffset(s string, t time.Time, loc *time.Location) error {
	name, given := t.Zone()
	if name == "UTC" && given == 0 {
		return nil // "Z": an instant, whatever the zone
	}
	if _, want := t.In(loc).Zone(); want != given {
		return fmt.Errorf("%w: %s has offset %s, but %s is at %s then; drop the offset or fix it",
			ErrOffsetMismatch, s, formatOffset(given), loc, formatOffset(want))
	}
	return nil
}

// splitTime parses s into a wall clock (in UTC, as a carrier) and an
// optional offset location.
func splitTime(s string) (wall time.Time, off *time.Location, hasOff bool, err error) {
	bad := fmt.Errorf("%w %q: write 2026-12-01 18:00, or 2026-12-01T18:00:00+01:00 with an offset", ErrInvalidTime, s)
	if len(s) < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return wall, nil, false, bad
	}
	y, mo, d, err := ParseDate(s[:10])
	if err != nil {
		return wall, nil, false, err
	}
	h, mi, sec, rest, ok := splitClock(s[11:])
	if !ok {
		return wall, nil, false, bad
	}
	wall = time.Date(y, mo, d, h, mi, sec, 0, time.UTC)
	if rest == "" {
		return wall, nil, false, nil
	}
	off, ok = parseOffset(rest)
	if !ok {
		return wall, nil, false, bad
	}
	return wall, off, true, nil
}

// splitClock reads HH:MM or HH:MM:SS and returns what follows.
func splitClock(s string) (h, mi, sec int, rest string, ok bool) {
	if len(s) < 5 || s[2] != ':' {
		return 0, 0, 0, "", false
	}
	h, ok1 := twoDigits(s[0:2], 23)
	mi, ok2 := twoDigits(s[3:5], 59)
	rest = s[5:]
	ok3 := true
	if len(rest) >= 3 && rest[0] == ':' {
		sec, ok3 = twoDigits(rest[1:3], 59)
		rest = rest[3:]
	}
	return h, mi, sec, rest, ok1 && ok2 && ok3
}

// parseOffset reads "Z" or ±HH:MM.
func parseOffset(s string) (*time.Location, bool) {
	if s == "Z" || s == "z" {
		return time.UTC, true
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return nil, false
	}
	h, ok1 := twoDigits(s[1:3], 23)
	m, ok2 := twoDigits(s[4:6], 59)
	secs := h*3600 + m*60
	if s[0] == '-' {
		secs = -secs
	}
	return time.FixedZone("", secs), ok1 && ok2
}

// twoDigits reads exactly two ASCII digits no greater than max.
func twoDigits(s string, max int) (int, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n, n <= max
}

// formatOffset writes an offset in seconds as ±HH:MM.
func formatOffset(secs int) string {
	return time.Unix(0, 0).In(time.FixedZone("", secs)).Format("-07:00")
}

// ParseDate reads a calendar date written YYYY-MM-DD and refuses dates
// that do not exist, such as 2026-02-30 (ErrInvalidDate).
func ParseDate(s string) (year int, month time.Month, day int, err error) {
	bad := fmt.Errorf("%w %q: write YYYY-MM-DD, such as 2026-12-01", ErrInvalidDate, s)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[:4]) {
		return 0, 0, 0, bad
	}
	year, _ = strconv.Atoi(s[:4])
	m, okM := twoDigits(s[5:7], 12)
	day, okD := twoDigits(s[8:10], 31)
	if !okM || !okD || m == 0 || day == 0 {
		return 0, 0, 0, bad
	}
	if time.Date(year, time.Month(m), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return 0, 0, 0, fmt.Errorf("%w %q: %s has no day %d", ErrInvalidDate, s, time.Month(m), day)
	}
	return year, time.Month(m), day, nil
}

// ParseDay reads a date written YYYY-MM-DD as midnight UTC of that day.
func ParseDay(s string) (time.Time, error) {
	y, m, d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
}

// WallTime returns the instant at which the wall clock in loc reads the
// given date and time. A time skipped by a DST gap wraps
// ErrNonexistentTime and names the gap and the first time after it; a time
// that happens twice wraps ErrAmbiguousTime and lists the two offsets.
func WallTime(y int, mo time.Month, d, h, mi, sec int, loc *time.Location) (time.Time, error) {
	at, tr := wallInstants(y, mo, d, h, mi, sec, loc)
	wall := time.Date(y, mo, d, h, mi, sec, 0, time.UTC)
	switch len(at) {
	case 1:
		return at[0], nil
	case 0:
		return time.Time{}, gapError(wall, tr, loc)
	}
	first, second := at[0].Format("2006-01-02T15:04:05-07:00"), at[1].Format("-07:00")
	return time.Time{}, fmt.Errorf("%w: %s happens twice in %s (clocks go back from %s to %s): give an offset, %s (the first) or %s (the second)",
		ErrAmbiguousTime, wall.Format("2006-01-02 15:04"), loc,
		clockAt(tr.at, tr.before), clockAt(tr.at, tr.after), first, first[:19]+second)
}

// gapError describes the DST gap that swallowed wall.
func gapError(wall time.Time, tr transition, loc *time.Location) error {
	after := clockAt(tr.at, tr.after)
	return fmt.Errorf("%w: %s does not exist in %s: clocks jump from %s to %s (%s to %s); use %s or later",
		ErrNonexistentTime, wall.Format("2006-01-02 15:04"), loc, clockAt(tr.at, tr.before), after,
		formatOffset(tr.before), formatOffset(tr.after), after)
}

// clockAt writes what a clock at offset secs showed at instant t.
func clockAt(t time.Time, secs int) string {
	return t.In(time.FixedZone("", secs)).Format("15:04")
}

// transition is one change of a zone's UTC offset.
type transition struct {
	at            time.Time
	before, after int // offsets in seconds
}

// wallInstants returns the instants, earliest first, at which the clock in
// loc reads the given wall time: one normally, two in a DST overlap, none
// in a gap; with the transition that caused a gap or overlap.
func wallInstants(y int, mo time.Month, d, h, mi, sec int, loc *time.Location) ([]time.Time, transition) {
	t := time.Date(y, mo, d, h, mi, sec, 0, loc)
	w := time.Date(y, mo, d, h, mi, sec, 0, time.UTC).Unix()
	for _, tr := range transitionsAround(t) {
		at, b, a := tr.at.Unix(), int64(tr.before), int64(tr.after)
		switch {
		case a > b && w >= at+b && w < at+a:
			return nil, tr
		case a < b && w >= at+a && w < at+b:
			return []time.Time{time.Unix(w-b, 0).In(loc), time.Unix(w-a, 0).In(loc)}, tr
		}
	}
	return []time.Time{t}, transition{}
}

// transitionsAround returns the offset changes that begin and end the zone
// period containing t.
func transitionsAround(t time.Time) []transition {
	start, end := t.ZoneBounds()
	var trs []transition
	for _, at := range []time.Time{start, end} {
		if at.IsZero() {
			continue
		}
		_, before := at.Add(-time.Second).Zone()
		_, after := at.Zone()
		trs = append(trs, transition{at: at, before: before, after: after})
	}
	return trs
}

// ParseRange reads the bounds of a range of times: from is inclusive and
// to exclusive. Each is a date (YYYY-MM-DD, the first instant of that day in
// loc) or a time as ParseTimeWith reads it in loc; an empty bound is open
// and returned as the zero time. A range whose end is not after its start
// wraps ErrEmptyRange.
func ParseRange(from, to string, loc *time.Location) (start, end time.Time, err error) {
	if start, err = parseBound(from, loc); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("from: %w", err)
	}
	if end, err = parseBound(to, loc); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("to: %w", err)
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: to %s is not after from %s", ErrEmptyRange, to, from)
	}
	return start, end, nil
}

// parseBound reads one bound of a range.
func parseBound(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	switch len(s) {
	case 0:
		return time.Time{}, nil
	case 10:
		y, m, d, err := ParseDate(s)
		if err != nil {
			return time.Time{}, err
		}
		return dayStart(y, m, d, loc), nil
	}
	t, _, err := ParseTimeWith(s, "", loc, nil)
	return t, err
}

// dayStart is the first instant of a day in loc, even where midnight is
// skipped or repeated by a DST change.
func dayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	at, tr := wallInstants(y, m, d, 0, 0, 0, loc)
	if len(at) == 0 {
		return tr.at.In(loc)
	}
	return at[0]
}
