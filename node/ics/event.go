package ics

import (
	"strconv"
	"strings"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// importer turns the VEVENTs of one VCALENDAR into events.
type importer struct {
	zones    *zones
	floating zoneRef // where times with no zone and no Z are read
}

// when is a parsed DTSTART or DTEND.
type when struct {
	allDay bool
	wall   time.Time // the wall clock (or date) as written, carried in UTC
	t      time.Time // the instant; for a date, midnight UTC
	zone   zoneRef   // the zone it was read in
	loc    *time.Location
	// implied marks an end the event does not give (no DTEND, no
	// DURATION): t is then the end RFC 5545 implies, used in checks, and
	// the event is read with no End.
	implied bool
}

// event reads one VEVENT. It returns a reason when weft declines a
// well-formed event, and a *ParseError when the event is malformed.
func (im *importer) event(c *component) (ImportedEvent, string, error) {
	ev := ImportedEvent{Line: c.line}
	if uid, ok := c.first("UID"); ok {
		ev.UID = unescapeText(uid.value)
	}
	start, end, hasStart, err := im.times(c)
	if err != nil {
		return ev, "", err
	}
	if ev.Sequence, ev.LastModified, err = im.revision(c); err != nil {
		return ev, "", err
	}
	if reason := refusal(c, ev.UID, hasStart, start, end); reason != "" {
		return ev, reason, nil
	}
	ev.Event = im.fill(c, start, end)
	ev.Event.ICSUID, ev.Event.ICSSequence = ev.UID, ev.Sequence
	if !ev.LastModified.IsZero() {
		ev.Event.ICSModified = ev.LastModified.Format(time.RFC3339)
	}
	return ev, "", nil
}

// refusal says why weft declines a well-formed event, or "".
func refusal(c *component, uid string, hasStart bool, start, end when) string {
	summary, _ := c.first("SUMMARY")
	_, override := c.first("RECURRENCE-ID")
	switch {
	case !hasStart:
		return "no DTSTART"
	case override:
		return "changes one occurrence of a recurring event (RECURRENCE-ID); weft keeps whole events only"
	case strings.TrimSpace(uid) == "":
		return "no UID"
	case strings.TrimSpace(unescapeText(summary.value)) == "":
		return "no SUMMARY"
	case end.t.Before(start.t):
		return "ends before it starts"
	}
	for _, w := range []when{start, end} {
		if y := w.t.In(w.loc).Year(); y < 1 || y > 9999 {
			return "a time outside the years 0001 to 9999"
		}
		if _, off := w.t.In(w.loc).Zone(); off%60 != 0 {
			return "a time zone offset with seconds (local mean time)"
		}
	}
	return ""
}

// times reads DTSTART and DTEND or DURATION. Without either, an all-day
// event lasts one day and a timed one has no duration; that end is implied
// (checked, but not stored: the event is read with End "").
func (im *importer) times(c *component) (start, end when, hasStart bool, err error) {
	endP, hasEnd := c.first("DTEND")
	durP, hasDur := c.first("DURATION")
	if hasEnd && hasDur {
		return start, end, false, parseErrorf(durP.line, "an event has both DTEND and DURATION")
	}
	startP, hasStart := c.first("DTSTART")
	if !hasStart {
		if hasEnd {
			_, err = im.when(endP)
		}
		return start, end, false, err
	}
	if start, err = im.when(startP); err != nil {
		return start, end, true, err
	}
	switch {
	case hasEnd:
		end, err = im.endAt(endP, start)
	case hasDur:
		end, err = im.lasting(durP, start)
	default:
		end, err = im.implied(start)
	}
	return start, end, true, err
}

// implied returns the end of an event with neither DTEND nor DURATION: an
// all-day event lasts one day, a timed one takes no time.
func (im *importer) implied(start when) (when, error) {
	d := "PT0S"
	if start.allDay {
		d = "P1D"
	}
	end, err := im.lasting(contentLine{value: d}, start)
	end.implied = true
	return end, err
}

// endAt reads DTEND, which must be of the same kind as DTSTART. A timed
// end is written in the start's zone when that is an IANA zone.
func (im *importer) endAt(p contentLine, start when) (when, error) {
	end, err := im.when(p)
	if err != nil {
		return end, err
	}
	if end.allDay != start.allDay {
		return end, parseErrorf(p.line, "DTEND and DTSTART must both be dates or both be date-times")
	}
	if start.zone.name != "" {
		end.loc = start.loc
	}
	return end, nil
}

// lasting computes the end from a DURATION: days on the wall clock, then
// exact seconds.
func (im *importer) lasting(p contentLine, start when) (when, error) {
	d, ok := parseDuration(p.value)
	if !ok {
		return when{}, parseErrorf(p.line, "bad DURATION %q", p.value)
	}
	if start.allDay {
		if d.secs != 0 {
			return when{}, parseErrorf(p.line, "an all-day event's DURATION must be whole days, not %q", p.value)
		}
		day := start.t.AddDate(0, 0, d.days)
		return when{allDay: true, wall: day, t: day, loc: time.UTC}, nil
	}
	t := start.zone.instant(start.wall.AddDate(0, 0, d.days))
	t = start.zone.at(t.Unix() + d.secs)
	return when{wall: t, t: t, zone: start.zone, loc: start.zone.location(t)}, nil
}

// when reads one DATE or DATE-TIME property.
func (im *importer) when(p contentLine) (when, error) {
	kind := strings.ToUpper(p.param("VALUE"))
	if kind == "DATE" || (kind == "" && len(p.value) == 8) {
		d, ok := parseDate(p.value)
		if !ok {
			return when{}, parseErrorf(p.line, "bad date %q in %s: expected YYYYMMDD", p.value, p.name)
		}
		return when{allDay: true, wall: d, t: d, loc: time.UTC}, nil
	}
	if kind != "" && kind != "DATE-TIME" {
		return when{}, parseErrorf(p.line, "%s cannot have VALUE=%s", p.name, kind)
	}
	wall, utc, ok := parseDateTime(p.value)
	if !ok {
		return when{}, parseErrorf(p.line, "bad date-time %q in %s: expected YYYYMMDDTHHMMSS", p.value, p.name)
	}
	z, err := im.zoneOf(p, utc)
	if err != nil {
		return when{}, err
	}
	t := z.instant(wall)
	return when{wall: wall, t: t, zone: z, loc: z.location(t)}, nil
}

// zoneOf returns the zone a date-time is read in: UTC, its TZID, or the
// floating zone.
func (im *importer) zoneOf(p contentLine, utc bool) (zoneRef, error) {
	tzid, hasTZID := p.params["TZID"]
	switch {
	case utc:
		return zoneRef{loc: time.UTC}, nil
	case !hasTZID:
		return im.floating, nil
	case len(tzid) != 1 || tzid[0] == "":
		return zoneRef{}, parseErrorf(p.line, "TZID must name one zone")
	}
	return im.zones.resolve(tzid[0], p.line)
}

// revision reads SEQUENCE and LAST-MODIFIED.
func (im *importer) revision(c *component) (seq int64, modified time.Time, err error) {
	if p, ok := c.first("SEQUENCE"); ok {
		if seq, err = strconv.ParseInt(p.value, 10, 64); err != nil || seq < 0 || !digits(p.value) {
			return 0, time.Time{}, parseErrorf(p.line, "SEQUENCE must be a whole number, not %q", p.value)
		}
	}
	if p, ok := c.first("LAST-MODIFIED"); ok {
		w, err := im.when(p)
		if err != nil || w.allDay {
			return 0, time.Time{}, parseErrorf(p.line, "bad LAST-MODIFIED %q: expected a date-time", p.value)
		}
		modified = w.t.UTC()
	}
	return seq, modified, nil
}

// fill builds the event's fields.
func (im *importer) fill(c *component, start, end when) model.Event {
	summary, _ := c.first("SUMMARY")
	url, _ := c.first("URL")
	e := model.Event{
		Title:       unescapeText(summary.value),
		Kind:        kindOf(c),
		Status:      statusOf(c),
		AllDay:      start.allDay,
		Zone:        start.zone.name,
		Place:       textOf(c, "LOCATION"),
		Online:      url.value,
		Description: textOf(c, "DESCRIPTION"),
	}
	e.Start, e.End = formatWhen(start), formatWhen(end)
	if e.AllDay {
		e.Zone = ""
	}
	for _, p := range c.props {
		if p.name == "RRULE" || p.name == "RDATE" || p.name == "EXDATE" || p.name == "EXRULE" {
			e.Recurrence = append(e.Recurrence, p.raw)
		}
	}
	return e
}

// formatWhen writes a date as YYYY-MM-DD and a time as RFC 3339, and an
// implied end as "".
func formatWhen(w when) string {
	switch {
	case w.implied:
		return ""
	case w.allDay:
		return w.t.Format(time.DateOnly)
	}
	return w.t.In(w.loc).Format(time.RFC3339)
}

// textOf returns a TEXT property, decoded, or "".
func textOf(c *component, name string) string {
	p, _ := c.first(name)
	return unescapeText(p.value)
}

// kindOf returns the first CATEGORIES value that names a weft event kind,
// else "other".
func kindOf(c *component) string {
	for _, p := range c.all("CATEGORIES") {
		for _, v := range splitText(p.value) {
			if k := strings.ToLower(strings.TrimSpace(v)); model.ValidKind(k) {
				return k
			}
		}
	}
	return "other"
}

// statusOf maps STATUS to a weft status; X-WEFT-STATUS, which Export
// writes for statuses iCalendar lacks (postponed), wins when valid.
func statusOf(c *component) string {
	if p, ok := c.first("X-WEFT-STATUS"); ok && model.ValidStatus(p.value) {
		return p.value
	}
	p, _ := c.first("STATUS")
	switch strings.ToUpper(p.value) {
	case "CONFIRMED":
		return "confirmed"
	case "CANCELLED":
		return "cancelled"
	}
	return "planned"
}
