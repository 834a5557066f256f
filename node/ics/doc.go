// Package ics reads and writes iCalendar files (RFC 5545) as weft events.
//
// Import reads what Thunderbird, Google Calendar and Outlook write: folded
// lines, escaped text, VTIMEZONE blocks (IANA names, Windows names such as
// "W. Europe Standard Time", and zones defined only by their rules), all-day
// events, UTC and floating times, DURATION, RRULE/RDATE/EXDATE kept as given.
// A file with any syntax or value error imports nothing: Import returns a
// *ParseError naming the line. Export writes events back so that importing
// the result gives the same events.
//
//	cal, err := ics.Import(r, loc)
//	var pe *ics.ParseError
//	if errors.As(err, &pe) { /* broken at line pe.Line */ }
//	err = ics.Export(w, "Campaign", events, now)
//
// The package is pure: no clock (now is passed in), no files, no logging.
// Time zones are found with time.LoadLocation, so the binary should carry
// the zone database (import _ "time/tzdata") on machines that lack one.
// Nothing here keeps state between calls; all functions are safe for
// concurrent use.
package ics
