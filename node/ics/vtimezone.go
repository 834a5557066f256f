package ics

import (
	"slices"
	"strings"
	"time"
)

// maxZoneYears bounds how many years of transitions one VTIMEZONE lists.
const maxZoneYears = 50

// writeZones writes a VTIMEZONE for every zone the events use.
func (ex *exporter) writeZones(b *strings.Builder, now time.Time) {
	for _, name := range ex.order {
		z := ex.zones[name]
		from, to := now.Year(), now.Year()+1
		if z.minYear != noYear {
			from, to = min(from, z.minYear), max(to, z.maxYear)
		}
		writeVTimezone(b, name, z.loc, max(from, to-maxZoneYears), to)
	}
	offsets := make([]int, 0, len(ex.fixed))
	for off := range ex.fixed {
		offsets = append(offsets, off)
	}
	slices.Sort(offsets)
	for _, off := range offsets {
		b.WriteString(fold("BEGIN:VTIMEZONE") + fold("TZID:"+fixedTZID(off)))
		writeObservance(b, false, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), off, off, "")
		b.WriteString(fold("END:VTIMEZONE"))
	}
}

// writeVTimezone describes loc from January of year from to the end of
// year to: the offset in effect at the start, then every transition, each
// as its own STANDARD or DAYLIGHT block (RFC 5545 section 3.6.5).
func writeVTimezone(b *strings.Builder, tzid string, loc *time.Location, from, to int) {
	b.WriteString(fold("BEGIN:VTIMEZONE") + fold("TZID:"+escapeText(tzid)))
	t := time.Date(from, 1, 1, 0, 0, 0, 0, loc)
	limit := time.Date(to+1, 1, 1, 0, 0, 0, 0, loc)
	abbr, off := t.Zone()
	writeObservance(b, t.IsDST(), wallOf(t, loc), off, off, abbr)
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(limit) || !end.After(t) {
			break
		}
		_, before := end.Add(-time.Second).Zone()
		abbr, after := end.Zone()
		writeObservance(b, end.IsDST(), wallOf(end, time.FixedZone("", before)), before, after, abbr)
		t = end
	}
	b.WriteString(fold("END:VTIMEZONE"))
}

// writeObservance writes one STANDARD or DAYLIGHT block starting at wall
// (a wall clock in the from offset, carried in UTC).
func writeObservance(b *strings.Builder, dst bool, wall time.Time, from, to int, abbr string) {
	kind := "STANDARD"
	if dst {
		kind = "DAYLIGHT"
	}
	b.WriteString(fold("BEGIN:"+kind) + fold("DTSTART:"+wall.Format("20060102T150405")))
	b.WriteString(fold("TZOFFSETFROM:"+formatUTCOffset(from)) + fold("TZOFFSETTO:"+formatUTCOffset(to)))
	if abbr != "" {
		b.WriteString(fold("TZNAME:" + escapeText(abbr)))
	}
	b.WriteString(fold("END:" + kind))
}
