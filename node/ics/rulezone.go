package ics

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ruleZone is a time zone known only from a VTIMEZONE's STANDARD and
// DAYLIGHT observances.
type ruleZone struct {
	obs []observance
}

// observance is one STANDARD or DAYLIGHT block.
type observance struct {
	from, to int       // TZOFFSETFROM and TZOFFSETTO, seconds
	start    time.Time // DTSTART, a wall clock carried in UTC
	rule     *yearRule // nil when there is no yearly rule weft understands
	rdates   []time.Time
}

// yearRule is the yearly RRULE of an observance: a month and a day in it.
type yearRule struct {
	month     time.Month
	nth       int // 1..5 or -1..-5 with weekday; 0: monthDays or start's day
	weekday   time.Weekday
	hasDay    bool
	monthDays []int
	until     int64 // Unix time; math.MaxInt64 when unbounded
}

// offsetAt returns the offset in effect at Unix time u: TZOFFSETTO of the
// observance with the latest onset at or before u.
func (z *ruleZone) offsetAt(u int64) int {
	year := time.Unix(u, 0).UTC().Year()
	best, off := int64(math.MinInt64), 0
	earliest := z.obs[0]
	for _, o := range z.obs {
		if o.start.Before(earliest.start) {
			earliest = o
		}
		for _, on := range o.onsets(year) {
			if on <= u && on > best {
				best, off = on, o.to
			}
		}
	}
	if best == math.MinInt64 {
		return earliest.from
	}
	return off
}

// onsets returns the instants the observance starts near a year.
func (o observance) onsets(year int) []int64 {
	out := []int64{o.start.Unix() - int64(o.from)}
	for _, r := range o.rdates {
		out = append(out, r.Unix()-int64(o.from))
	}
	if o.rule == nil {
		return out
	}
	for y := year - 1; y <= year+1; y++ {
		day, ok := o.rule.date(y, o.start)
		if !ok {
			continue
		}
		wall := day.Add(o.start.Sub(o.start.Truncate(24 * time.Hour)))
		on := wall.Unix() - int64(o.from)
		if !wall.Before(o.start) && on <= o.rule.until {
			out = append(out, on)
		}
	}
	return out
}

// date returns the rule's day in year y.
func (r *yearRule) date(y int, start time.Time) (time.Time, bool) {
	first := time.Date(y, r.month, 1, 0, 0, 0, 0, time.UTC)
	switch {
	case r.nth > 0:
		d := first.AddDate(0, 0, (int(r.weekday)-int(first.Weekday())+7)%7+7*(r.nth-1))
		return d, d.Month() == r.month
	case r.nth < 0:
		last := first.AddDate(0, 1, -1)
		d := last.AddDate(0, 0, -((int(last.Weekday())-int(r.weekday)+7)%7)+7*(r.nth+1))
		return d, d.Month() == r.month
	}
	days := r.monthDays
	if len(days) == 0 {
		days = []int{start.Day()}
	}
	for _, md := range days {
		d := first.AddDate(0, 0, md-1)
		if d.Month() == r.month && (!r.hasDay || d.Weekday() == r.weekday) {
			return d, true
		}
	}
	return time.Time{}, false
}

// parseYearRule reads the yearly RRULEs that time zones use (FREQ=YEARLY
// with BYMONTH, BYDAY and BYMONTHDAY, optionally UNTIL). It returns nil for
// anything else, and the observance then starts only at its DTSTART.
func parseYearRule(s string, start time.Time, from int) *yearRule {
	r := &yearRule{month: start.Month(), until: math.MaxInt64}
	yearly := false
	for _, part := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(part, "=")
		var ok bool
		switch strings.ToUpper(k) {
		case "FREQ":
			yearly, ok = strings.EqualFold(v, "YEARLY"), true
		case "BYMONTH":
			ok = r.setMonth(v)
		case "BYDAY":
			ok = r.setDay(v)
		case "BYMONTHDAY":
			ok = r.setMonthDays(v)
		case "UNTIL":
			ok = r.setUntil(v, from)
		default:
			ok = k == "INTERVAL" && v == "1" || k == "WKST"
		}
		if !ok {
			return nil
		}
	}
	if !yearly {
		return nil
	}
	return r
}

// setMonth reads BYMONTH (one month).
func (r *yearRule) setMonth(v string) bool {
	m, err := strconv.Atoi(v)
	r.month = time.Month(m)
	return err == nil && m >= 1 && m <= 12
}

// setDay reads BYDAY (one weekday, optionally with +n or -n).
func (r *yearRule) setDay(v string) bool {
	if len(v) < 2 {
		return false
	}
	wd, ok := weekdays[strings.ToUpper(v[len(v)-2:])]
	r.weekday, r.hasDay = wd, true
	if n := v[:len(v)-2]; n != "" {
		k, err := strconv.Atoi(n)
		if err != nil || k == 0 || k < -5 || k > 5 {
			return false
		}
		r.nth = k
	}
	return ok
}

// setMonthDays reads BYMONTHDAY (days 1..31).
func (r *yearRule) setMonthDays(v string) bool {
	for _, f := range strings.Split(v, ",") {
		d, err := strconv.Atoi(f)
		if err != nil || d < 1 || d > 31 {
			return false
		}
		r.monthDays = append(r.monthDays, d)
	}
	return true
}

// setUntil reads UNTIL, a UTC time or a wall clock in the FROM offset.
func (r *yearRule) setUntil(v string, from int) bool {
	wall, utc, ok := parseDateTime(v)
	if !ok {
		d, okDate := parseDate(v)
		wall, ok = d.Add(24*time.Hour-time.Second), okDate
	}
	r.until = wall.Unix()
	if !utc {
		r.until -= int64(from)
	}
	return ok
}

// weekdays maps RFC 5545 day codes to weekdays.
var weekdays = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

// parseVTimezone reads a VTIMEZONE's observances.
func parseVTimezone(c *component) (*ruleZone, error) {
	z := &ruleZone{}
	for _, sub := range c.comps {
		if sub.name != "STANDARD" && sub.name != "DAYLIGHT" {
			continue
		}
		o, err := parseObservance(sub)
		if err != nil {
			return nil, err
		}
		z.obs = append(z.obs, o)
	}
	if len(z.obs) == 0 {
		return nil, parseErrorf(c.line, "VTIMEZONE has no STANDARD or DAYLIGHT block")
	}
	return z, nil
}

// parseObservance reads one STANDARD or DAYLIGHT block.
func parseObservance(c *component) (observance, error) {
	var o observance
	to, ok := c.first("TZOFFSETTO")
	if !ok {
		return o, parseErrorf(c.line, "%s has no TZOFFSETTO", c.name)
	}
	if o.to, ok = parseUTCOffset(to.value); !ok {
		return o, parseErrorf(to.line, "bad TZOFFSETTO %q", to.value)
	}
	o.from = o.to
	if from, ok := c.first("TZOFFSETFROM"); ok {
		if o.from, ok = parseUTCOffset(from.value); !ok {
			return o, parseErrorf(from.line, "bad TZOFFSETFROM %q", from.value)
		}
	}
	start, ok := c.first("DTSTART")
	if !ok {
		return o, parseErrorf(c.line, "%s has no DTSTART", c.name)
	}
	if o.start, _, ok = parseDateTime(start.value); !ok {
		return o, parseErrorf(start.line, "bad DTSTART %q in %s", start.value, c.name)
	}
	if rule, ok := c.first("RRULE"); ok {
		o.rule = parseYearRule(rule.value, o.start, o.from)
	}
	return o, o.readRDates(c)
}

// readRDates reads the observance's RDATE lists.
func (o *observance) readRDates(c *component) error {
	for _, p := range c.all("RDATE") {
		for _, v := range strings.Split(p.value, ",") {
			wall, _, ok := parseDateTime(v)
			if !ok {
				return parseErrorf(p.line, "bad RDATE %q in %s", v, c.name)
			}
			o.rdates = append(o.rdates, wall)
		}
	}
	return nil
}
