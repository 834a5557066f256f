package ics

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// prodID names weft as the producer of exported files.
const prodID = "-//weft//weft calendar//EN"

// Export writes events as one VCALENDAR named calName. now is the DTSTAMP
// of every event. Times in an IANA zone are written with TZID and a
// VTIMEZONE generated from Go's zone data; other times are written in UTC,
// or, when their offset is not zero, with a fixed-offset VTIMEZONE named
// like "UTC+0100", so that importing the file gives back the same events
// (except ID, which the importer leaves to the caller, and ICSUID, which
// becomes "<id>@weft" for an event that had none). An event with no End is
// written with no DTEND, which RFC 5545 reads as taking no time (or, for
// an all-day event, its one day). Languages and local variants have no
// iCalendar form and are not written. Export writes to w once, at the end;
// an event whose start or end cannot be read wraps ErrInvalidEvent and
// nothing is written.
func Export(w io.Writer, calName string, events []model.Event, now time.Time) error {
	ex := &exporter{zones: map[string]*exportZone{}, fixed: map[int]bool{}}
	var body strings.Builder
	for _, e := range events {
		if err := ex.event(&body, e, now); err != nil {
			return err
		}
	}
	var out strings.Builder
	out.WriteString(fold("BEGIN:VCALENDAR") + fold("VERSION:2.0") + fold("PRODID:"+prodID))
	out.WriteString(fold("CALSCALE:GREGORIAN") + fold("METHOD:PUBLISH"))
	if calName != "" {
		out.WriteString(fold("X-WR-CALNAME:" + escapeText(calName)))
	}
	ex.writeZones(&out, now)
	out.WriteString(body.String() + fold("END:VCALENDAR"))
	_, err := io.WriteString(w, out.String())
	return err
}

// exporter collects the zones the written events use.
type exporter struct {
	zones map[string]*exportZone // IANA zones by TZID
	order []string
	fixed map[int]bool // fixed offsets, seconds
}

// exportZone is one IANA zone to describe in a VTIMEZONE.
type exportZone struct {
	loc              *time.Location
	minYear, maxYear int
}

// event writes one VEVENT.
func (ex *exporter) event(b *strings.Builder, e model.Event, now time.Time) error {
	start, end, err := ex.times(e)
	if err != nil {
		return err
	}
	uid := e.ICSUID
	if uid == "" {
		uid = e.ID + "@weft"
	}
	b.WriteString(fold("BEGIN:VEVENT") + fold("UID:"+escapeText(uid)))
	b.WriteString(fold("DTSTAMP:" + now.UTC().Format("20060102T150405Z")))
	if t, err := time.Parse(time.RFC3339, e.ICSModified); err == nil {
		b.WriteString(fold("LAST-MODIFIED:" + t.UTC().Format("20060102T150405Z")))
	}
	if e.ICSSequence > 0 {
		b.WriteString(fold("SEQUENCE:" + strconv.FormatInt(e.ICSSequence, 10)))
	}
	b.WriteString(fold("SUMMARY:"+escapeText(e.Title)) + fold("DTSTART"+start))
	if end != "" {
		b.WriteString(fold("DTEND" + end))
	}
	ex.details(b, e)
	b.WriteString(fold("END:VEVENT"))
	return nil
}

// details writes status, kind, place, link, description and recurrence.
func (ex *exporter) details(b *strings.Builder, e model.Event) {
	b.WriteString(fold("STATUS:" + icsStatus(e.Status)))
	if e.Status == "postponed" {
		b.WriteString(fold("X-WEFT-STATUS:postponed"))
	}
	if e.Kind != "" {
		b.WriteString(fold("CATEGORIES:" + escapeText(e.Kind)))
	}
	for _, f := range []struct{ name, v string }{{"LOCATION", e.Place}, {"DESCRIPTION", e.Description}} {
		if f.v != "" {
			b.WriteString(fold(f.name + ":" + escapeText(f.v)))
		}
	}
	if e.Online != "" {
		b.WriteString(fold("URL:" + sanitizeRaw(e.Online)))
	}
	for _, r := range e.Recurrence {
		ex.noteRecurrenceZone(r)
		b.WriteString(fold(sanitizeRaw(r)))
	}
}

// icsStatus maps a weft status to STATUS.
func icsStatus(s string) string {
	switch s {
	case "confirmed":
		return "CONFIRMED"
	case "cancelled":
		return "CANCELLED"
	}
	return "TENTATIVE"
}

// times returns the DTSTART and DTEND lines after their names; end is ""
// when the event has no End.
func (ex *exporter) times(e model.Event) (start, end string, err error) {
	s, t, err := parseTimes(e)
	if err != nil {
		return "", "", err
	}
	writeStart, writeEnd := ex.writers(e, s)
	if e.End != "" {
		end = writeEnd(t)
	}
	return writeStart(s), end, nil
}

// parseTimes reads an event's start and end; end is zero when the event
// has none.
func parseTimes(e model.Event) (start, end time.Time, err error) {
	layout, want := time.RFC3339, "RFC 3339"
	if e.AllDay {
		layout, want = time.DateOnly, "YYYY-MM-DD (all-day)"
	}
	start, err1 := time.Parse(layout, e.Start)
	end, err2 := time.Parse(layout, e.End)
	if err1 != nil || (err2 != nil && e.End != "") {
		return start, end, fmt.Errorf("%w %s: start %q or end %q is not %s", ErrInvalidEvent, e.ID, e.Start, e.End, want)
	}
	return start, end, nil
}

// writers returns how to write an event's start and end, whose start is s:
// as dates, in the event's IANA zone, or by offset.
func (ex *exporter) writers(e model.Event, s time.Time) (start, end func(time.Time) string) {
	if e.AllDay {
		return dateValue, dateValue
	}
	zone, ok := ianaZone(e.Zone)
	if e.Zone == "" || !ok || zone.name != e.Zone || !zone.instant(wallOf(s, zone.loc)).Equal(s) {
		return ex.dateTime, ex.dateTime
	}
	return func(t time.Time) string { return ex.zoned(t, e.Zone, zone) },
		func(t time.Time) string { return ex.zonedOrFixed(t, e.Zone, zone) }
}

// dateValue writes a DATE value.
func dateValue(t time.Time) string { return ";VALUE=DATE:" + t.Format("20060102") }

// wallOf returns t's wall clock in loc, carried in UTC.
func wallOf(t time.Time, loc *time.Location) time.Time {
	w := t.In(loc)
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
}

// zonedOrFixed writes t in the zone when its wall clock names it there
// unambiguously, else by its own offset.
func (ex *exporter) zonedOrFixed(t time.Time, name string, zone zoneRef) string {
	if !zone.instant(wallOf(t, zone.loc)).Equal(t) {
		return ex.dateTime(t)
	}
	return ex.zoned(t, name, zone)
}

// zoned writes t with TZID and notes the zone.
func (ex *exporter) zoned(t time.Time, name string, zone zoneRef) string {
	ex.useZone(name, zone.loc, t.In(zone.loc).Year())
	return ";TZID=" + paramValueOut(name) + ":" + t.In(zone.loc).Format("20060102T150405")
}

// dateTime writes t in UTC when its offset is zero, else with a
// fixed-offset TZID.
func (ex *exporter) dateTime(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return ":" + t.UTC().Format("20060102T150405Z")
	}
	ex.fixed[off] = true
	return ";TZID=" + fixedTZID(off) + ":" + t.Format("20060102T150405")
}

// fixedTZID names a fixed-offset zone.
func fixedTZID(off int) string {
	return "UTC" + formatUTCOffset(off)
}

// noYear stands for "no particular year" in useZone.
const noYear = -1

// useZone records that an IANA zone is used in a year (or noYear).
func (ex *exporter) useZone(name string, loc *time.Location, year int) {
	z := ex.zones[name]
	if z == nil {
		z = &exportZone{loc: loc, minYear: year, maxYear: year}
		ex.zones[name] = z
		ex.order = append(ex.order, name)
	}
	if year == noYear {
		return
	}
	if z.minYear == noYear {
		z.minYear, z.maxYear = year, year
	}
	z.minYear, z.maxYear = min(z.minYear, year), max(z.maxYear, year)
}

// noteRecurrenceZone records the zone an EXDATE or RDATE line names, when
// it is an IANA or Windows zone, so that the file defines it.
func (ex *exporter) noteRecurrenceZone(raw string) {
	l, err := parseLine(rawLine{text: raw})
	tzid := l.param("TZID")
	if err != nil || tzid == "" || strings.ContainsAny(tzid, "\"") {
		return
	}
	if z, ok := ianaZone(tzid); ok {
		year := noYear
		if wall, _, ok := parseDateTime(strings.Split(l.value, ",")[0]); ok {
			year = wall.Year()
		}
		ex.useZone(tzid, z.loc, year)
	}
}

// paramValueOut quotes a parameter value when it holds ; : or ,.
func paramValueOut(v string) string {
	if strings.ContainsAny(v, ";:,") {
		return `"` + v + `"`
	}
	return v
}
