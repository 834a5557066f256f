package ics

import (
	"fmt"
	"io"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// MaxImportSize is the largest file Import reads, in bytes.
const MaxImportSize = 32 << 20

// Calendar is what one iCalendar file holds for weft.
type Calendar struct {
	// Name is the calendar's name (X-WR-CALNAME or NAME), if given.
	Name string
	// Events are the events weft can keep, in file order.
	Events []ImportedEvent
	// Refused are well-formed events weft declines, with the reason.
	Refused []Refusal
}

// ImportedEvent is one event read from a file.
type ImportedEvent struct {
	// Event holds the event; its ID is empty (the caller assigns one) and
	// its ICSUID, ICSSequence and ICSModified repeat the fields below.
	Event        model.Event
	UID          string
	Sequence     int64
	LastModified time.Time // zero when the file gives none
	Line         int       // line of the event's BEGIN:VEVENT
}

// Refusal is a well-formed event that weft declines.
type Refusal struct {
	UID    string // empty when the event has none
	Line   int    // line of the event's BEGIN:VEVENT
	Reason string
}

// Import reads an iCalendar file. Floating times (no zone, no Z) are read
// in defaultZone (UTC when nil). A file with any syntax or value error
// imports nothing: the error is a *ParseError naming the line. An event
// with DTSTART and neither DTEND nor DURATION is read with End "", as
// Export writes an event with no End. VTODO,
// VJOURNAL and unknown components are ignored, as are VALARMs and X-
// properties.
func Import(r io.Reader, defaultZone *time.Location) (*Calendar, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, fmt.Errorf("ics: read: %w", err)
	}
	if len(data) > MaxImportSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxImportSize)
	}
	roots, err := parse(data)
	if err != nil {
		return nil, err
	}
	if defaultZone == nil {
		defaultZone = time.UTC
	}
	cal := &Calendar{}
	seen := map[string]int{}
	for _, root := range roots {
		if err := importCalendar(cal, root, defaultZone, seen); err != nil {
			return nil, err
		}
	}
	return cal, nil
}

// parse turns bytes into the component tree.
func parse(data []byte) ([]*component, error) {
	raws, err := unfold(data)
	if err != nil {
		return nil, err
	}
	lines := make([]contentLine, 0, len(raws))
	for _, r := range raws {
		l, err := parseLine(r)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	return buildTree(lines)
}

// importCalendar reads one VCALENDAR into cal. seen maps UIDs to the line
// of the event that first used them.
func importCalendar(cal *Calendar, root *component, floating *time.Location, seen map[string]int) error {
	zs, err := readZones(root)
	if err != nil {
		return err
	}
	if cal.Name == "" {
		cal.Name = calendarName(root)
	}
	im := &importer{zones: zs, floating: floatingZone(floating)}
	for _, c := range root.comps {
		if c.name != "VEVENT" {
			continue
		}
		ev, reason, err := im.event(c)
		switch {
		case err != nil:
			return err
		case reason == "" && seen[ev.UID] != 0:
			reason = fmt.Sprintf("UID already used by the event on line %d", seen[ev.UID])
		}
		if reason != "" {
			cal.Refused = append(cal.Refused, Refusal{UID: ev.UID, Line: c.line, Reason: reason})
			continue
		}
		seen[ev.UID] = c.line
		cal.Events = append(cal.Events, ev)
	}
	return nil
}

// readZones parses every VTIMEZONE of a calendar.
func readZones(root *component) (*zones, error) {
	zs := &zones{defs: map[string]*ruleZone{}, cache: map[string]zoneRef{}}
	for _, c := range root.comps {
		if c.name != "VTIMEZONE" {
			continue
		}
		id, ok := c.first("TZID")
		if !ok || id.value == "" {
			return nil, parseErrorf(c.line, "VTIMEZONE has no TZID")
		}
		z, err := parseVTimezone(c)
		if err != nil {
			return nil, err
		}
		if zs.defs[id.value] == nil {
			zs.defs[id.value] = z
		}
	}
	return zs, nil
}

// calendarName returns X-WR-CALNAME or NAME.
func calendarName(root *component) string {
	for _, name := range []string{"X-WR-CALNAME", "NAME"} {
		if p, ok := root.first(name); ok {
			return unescapeText(p.value)
		}
	}
	return ""
}

// floatingZone wraps the zone floating times are read in; its name is kept
// only when it is an IANA name (not "Local").
func floatingZone(loc *time.Location) zoneRef {
	z := zoneRef{loc: loc}
	if _, ok := loadIANA(loc.String()); ok {
		z.name = loc.String()
	}
	return z
}
