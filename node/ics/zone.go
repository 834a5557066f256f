package ics

import (
	"strings"
	"time"
)

// zoneRef is a resolved TZID: an IANA zone, or a zone known only from the
// rules of its VTIMEZONE.
type zoneRef struct {
	name  string         // IANA name; "" for a zone known only by its rules
	loc   *time.Location // the IANA zone, nil for a rule zone
	rules *ruleZone
}

// offsetAt returns the zone's UTC offset in seconds at Unix time u.
func (z zoneRef) offsetAt(u int64) int {
	if z.rules != nil {
		return z.rules.offsetAt(u)
	}
	_, off := time.Unix(u, 0).In(z.loc).Zone()
	return off
}

// instant returns the instant at which the zone's clock reads wall (a wall
// clock carried in UTC). As RFC 5545 says, a time in a gap is read with the
// offset before the gap and an ambiguous time is the first of the two.
func (z zoneRef) instant(wall time.Time) time.Time {
	w := wall.Unix()
	before, after := z.offsetAt(w-36*3600), z.offsetAt(w+36*3600)
	u := w - int64(before) // also the answer in a gap
	if z.offsetAt(u) != before {
		if alt := w - int64(after); z.offsetAt(alt) == after {
			u = alt
		}
	}
	return z.at(u)
}

// at returns Unix time u in the zone.
func (z zoneRef) at(u int64) time.Time {
	if z.rules != nil {
		return time.Unix(u, 0).In(time.FixedZone("", z.rules.offsetAt(u)))
	}
	return time.Unix(u, 0).In(z.loc)
}

// location returns where times in the zone are written: the IANA zone, or
// the fixed offset in effect at t for a rule zone.
func (z zoneRef) location(t time.Time) *time.Location {
	if z.rules != nil {
		return time.FixedZone("", z.rules.offsetAt(t.Unix()))
	}
	return z.loc
}

// zones resolves the TZIDs of one VCALENDAR.
type zones struct {
	defs  map[string]*ruleZone // parsed VTIMEZONE blocks by TZID
	cache map[string]zoneRef
}

// resolve finds a TZID: an IANA name (also after a "/"-prefixed globally
// unique form such as /mozilla.org/20070129_1/Europe/Berlin), then a
// Windows name, then the file's own VTIMEZONE; else the file is broken.
func (zs *zones) resolve(tzid string, line int) (zoneRef, error) {
	if z, ok := zs.cache[tzid]; ok {
		return z, nil
	}
	z, ok := ianaZone(tzid)
	if !ok && zs.defs[tzid] != nil {
		z, ok = zoneRef{rules: zs.defs[tzid]}, true
	}
	if !ok {
		return zoneRef{}, parseErrorf(line, "unknown time zone %q and no VTIMEZONE defines it", tzid)
	}
	zs.cache[tzid] = z
	return z, nil
}

// ianaZone finds a TZID among IANA and Windows zone names.
func ianaZone(tzid string) (zoneRef, bool) {
	for _, name := range ianaCandidates(tzid) {
		if loc, ok := loadIANA(name); ok {
			return zoneRef{name: name, loc: loc}, true
		}
	}
	return zoneRef{}, false
}

// ianaCandidates lists the names a TZID might stand for.
func ianaCandidates(tzid string) []string {
	names := []string{tzid}
	if win, ok := windowsZones[tzid]; ok {
		names = append(names, win)
	}
	if strings.HasPrefix(tzid, "/") {
		parts := strings.Split(tzid, "/")
		for i := 1; i < len(parts); i++ {
			names = append(names, strings.Join(parts[i:], "/"))
		}
	}
	return names
}

// loadIANA loads an IANA zone by a name of the usual shape.
func loadIANA(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") ||
		strings.IndexFunc(name, func(r rune) bool { return !isZoneChar(r) }) >= 0 {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// isZoneChar reports whether r may appear in an IANA zone name.
func isZoneChar(r rune) bool {
	return r == '/' || r == '_' || r == '-' || r == '+' ||
		(r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
}
