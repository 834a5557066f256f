package ics

import (
	"strconv"
	"strings"
	"time"
)

// parseDate reads an RFC 5545 DATE (YYYYMMDD) as midnight UTC.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 8 || !digits(s) {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// parseDateTime reads an RFC 5545 DATE-TIME (YYYYMMDDTHHMMSS, optionally
// ending in Z). The wall clock is returned in UTC as a carrier; utc says
// whether the value was a UTC time.
func parseDateTime(s string) (wall time.Time, utc bool, ok bool) {
	s, utc = strings.CutSuffix(s, "Z")
	if len(s) != 15 || s[8] != 'T' || !digits(s[9:]) {
		return time.Time{}, false, false
	}
	day, ok := parseDate(s[:8])
	h, _ := strconv.Atoi(s[9:11])
	m, _ := strconv.Atoi(s[11:13])
	sec, _ := strconv.Atoi(s[13:15])
	if !ok || h > 23 || m > 59 || sec > 59 {
		return time.Time{}, false, false
	}
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second), utc, true
}

// digits reports whether s is all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// duration is an RFC 5545 duration: nominal days and exact seconds.
type duration struct {
	days int
	secs int64
}

// parseDuration reads [+|-]P[nW] or [+|-]P[nD][T[nH][nM][nS]].
func parseDuration(s string) (duration, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return duration{}, false
	}
	d, ok := durationParts(rest)
	if neg {
		d.days, d.secs = -d.days, -d.secs
	}
	return d, ok
}

// durationParts reads the designators after "P".
func durationParts(s string) (duration, bool) {
	var d duration
	inTime, seen := false, false
	for s != "" {
		if s[0] == 'T' && !inTime {
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == 10 || i == len(s) {
			return d, false
		}
		n, _ := strconv.Atoi(s[:i])
		if !addPart(&d, s[i], n, inTime) {
			return d, false
		}
		seen, s = true, s[i+1:]
	}
	return d, seen
}

// addPart adds n of one designator to d.
func addPart(d *duration, unit byte, n int, inTime bool) bool {
	switch {
	case unit == 'W' && !inTime:
		d.days += 7 * n
	case unit == 'D' && !inTime:
		d.days += n
	case unit == 'H' && inTime:
		d.secs += int64(n) * 3600
	case unit == 'M' && inTime:
		d.secs += int64(n) * 60
	case unit == 'S' && inTime:
		d.secs += int64(n)
	default:
		return false
	}
	return true
}

// parseUTCOffset reads ±HHMM or ±HHMMSS as seconds.
func parseUTCOffset(s string) (int, bool) {
	if (len(s) != 5 && len(s) != 7) || (s[0] != '+' && s[0] != '-') || !digits(s[1:]) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// formatUTCOffset writes seconds as ±HHMM, or ±HHMMSS when needed.
func formatUTCOffset(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := sign + twoDigit(off/3600) + twoDigit(off/60%60)
	if off%60 != 0 {
		s += twoDigit(off % 60)
	}
	return s
}

// twoDigit writes 0..99 as two digits.
func twoDigit(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}
