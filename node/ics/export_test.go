package ics

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/weftsync/weft/crdt/model"
)

var exportNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func TestExportRoundTrip(t *testing.T) {
	long := strings.Repeat("Ünïcödé ✊🏽 façade, ", 12)
	tests := []model.Event{
		{ID: "paris", Title: "Rally; bring signs, banners", Kind: "action", Status: "confirmed",
			Start: "2026-12-01T18:00:00+01:00", End: "2026-12-01T20:00:00+01:00", Zone: "Europe/Paris",
			Place: "Place de la République", Online: "https://example.org/live?a=1;b=2", Description: "Line one\nLine two\\ with backslash\n" + long},
		{ID: "overlap", Title: "Night vigil", Kind: "other", Status: "planned",
			Start: "2026-10-25T02:30:00+02:00", End: "2026-10-25T02:30:00+01:00", Zone: "Europe/Paris"},
		{ID: "kolkata", Title: "Training", Kind: "training", Status: "postponed",
			Start: "2026-12-01T18:00:00+05:30", End: "2026-12-01T19:00:00+05:30", Zone: "Asia/Kolkata"},
		{ID: "lordhowe", Title: "Beach meeting", Kind: "meeting", Status: "cancelled",
			Start: "2026-10-04T02:30:00+11:00", End: "2026-10-04T04:00:00+11:00", Zone: "Australia/Lord_Howe", ICSSequence: 4},
		{ID: "chatham", Title: "Island petition", Kind: "petition", Status: "planned",
			Start: "2027-04-04T03:00:00+13:45", End: "2027-04-04T05:00:00+12:45", Zone: "Pacific/Chatham"},
		{ID: "utc", Title: "Call", Kind: "meeting", Status: "planned",
			Start: "2026-12-01T17:00:00Z", End: "2026-12-01T18:00:00Z", ICSUID: "call-1@example.org", ICSModified: "2026-08-01T10:00:00Z"},
		{ID: "fixed", Title: "Offset only", Kind: "other", Status: "planned",
			Start: "2026-12-01T17:00:00-03:00", End: "2026-12-01T18:00:00-02:00"},
		{ID: "allday", Title: "Fundraising week", Kind: "fundraiser", Status: "confirmed", AllDay: true,
			Start: "2026-12-07", End: "2026-12-14",
			Recurrence: []string{"RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20271206"}},
		{ID: "recurring", Title: "Weekly plenary", Kind: "meeting", Status: "planned",
			Start: "2026-11-03T19:00:00-05:00", End: "2026-11-03T21:00:00-05:00", Zone: "America/New_York",
			Recurrence: []string{"RRULE:FREQ=WEEKLY;BYDAY=TU", "EXDATE;TZID=America/New_York:20261124T190000,20261229T190000", "RDATE;TZID=W. Europe Standard Time:20261231T190000"}},
		{ID: "noend-zoned", Title: "Open meeting", Kind: "meeting", Status: "planned",
			Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Berlin"},
		{ID: "noend-utc", Title: "Deadline", Kind: "petition", Status: "planned", Start: "2026-12-01T17:00:00Z"},
		{ID: "noend-fixed", Title: "Offset only, no end", Kind: "other", Status: "planned", Start: "2026-12-01T17:00:00-03:00"},
		{ID: "noend-allday", Title: "Day of action", Kind: "action", Status: "confirmed", AllDay: true, Start: "2026-12-08"},
	}
	var buf bytes.Buffer
	if err := Export(&buf, "Campaign, 2026", tests, exportNow); err != nil {
		t.Fatal(err)
	}
	cal, err := Import(bytes.NewReader(buf.Bytes()), time.UTC)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if cal.Name != "Campaign, 2026" || len(cal.Refused) != 0 || len(cal.Events) != len(tests) {
		t.Fatalf("name %q, %d events, refused %+v", cal.Name, len(cal.Events), cal.Refused)
	}
	for i, want := range tests {
		t.Run(want.ID, func(t *testing.T) {
			if want.ICSUID == "" {
				want.ICSUID = want.ID + "@weft"
			}
			want.ID = ""
			if got := cal.Events[i].Event; !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestExportShape(t *testing.T) {
	ev := model.Event{ID: "x", Title: strings.Repeat("é", 100), Kind: "action", Status: "planned",
		Start: "2026-12-01T18:00:00+01:00", End: "2026-12-01T20:00:00+01:00", Zone: "Europe/Paris"}
	var buf bytes.Buffer
	if err := Export(&buf, "c", []model.Event{ev}, exportNow); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:", "CALSCALE:GREGORIAN\r\n",
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n", "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n",
		"DTSTART;TZID=Europe/Paris:20261201T180000\r\n", "DTSTAMP:20260901T120000Z\r\n", "UID:x@weft\r\n",
		"STATUS:TENTATIVE\r\n", "CATEGORIES:action\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > foldLimit || !utf8.ValidString(line) {
			t.Errorf("line %d is %d octets or splits a character: %q", i+1, len(line), line)
		}
	}
}

// TestExportNoEnd checks that an event with no End is written with DTSTART
// and no DTEND (RFC 5545 section 3.6.1), and that nothing about the missing
// end adds a time zone.
func TestExportNoEnd(t *testing.T) {
	tests := []struct {
		name    string
		ev      model.Event
		dtstart string
	}{
		{"zoned", model.Event{Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Berlin"}, "DTSTART;TZID=Europe/Berlin:20261201T180000\r\n"},
		{"utc", model.Event{Start: "2026-12-01T17:00:00Z"}, "DTSTART:20261201T170000Z\r\n"},
		{"all day", model.Event{AllDay: true, Start: "2026-12-08"}, "DTSTART;VALUE=DATE:20261208\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.ID, tt.ev.Title = "x", "t"
			var buf bytes.Buffer
			if err := Export(&buf, "c", []model.Event{tt.ev}, exportNow); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.Contains(out, tt.dtstart) || strings.Contains(out, "DTEND") {
				t.Errorf("want %q and no DTEND in:\n%s", tt.dtstart, out)
			}
			if n := strings.Count(out, "BEGIN:VTIMEZONE"); n != min(1, len(tt.ev.Zone)) {
				t.Errorf("%d VTIMEZONEs written", n)
			}
		})
	}
}

func TestExportInvalid(t *testing.T) {
	bad := []model.Event{
		{ID: "a", Title: "t", Start: "tomorrow", End: "2026-12-01T20:00:00+01:00"},
		{ID: "b", Title: "t", AllDay: true, Start: "2026-12-01T20:00:00+01:00", End: "2026-12-02"},
		{ID: "no start", Title: "t", End: "2026-12-01T20:00:00+01:00"},
		{ID: "bad end", Title: "t", Start: "2026-12-01T20:00:00+01:00", End: "later"},
		{ID: "all-day bad end", Title: "t", AllDay: true, Start: "2026-12-01", End: "2026-12-02T10:00:00Z"},
	}
	for _, ev := range bad {
		t.Run(ev.ID, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Export(&buf, "c", []model.Event{ev}, exportNow); err == nil || buf.Len() != 0 {
				t.Fatalf("Export = %v, wrote %d bytes; want ErrInvalidEvent and nothing", err, buf.Len())
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ name, in string }{
		{"short", "SUMMARY:hi"},
		{"ascii", "DESCRIPTION:" + strings.Repeat("a", 200)},
		{"two-byte", "DESCRIPTION:" + strings.Repeat("é", 100)},
		{"four-byte", "DESCRIPTION:" + strings.Repeat("🏽", 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := fold(tt.in)
			raws, err := unfold([]byte(out))
			if err != nil || len(raws) != 1 || raws[0].text != tt.in {
				t.Fatalf("unfold(fold(x)) = %+v, %v", raws, err)
			}
			for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
				if len(l) > foldLimit || !utf8.ValidString(l) {
					t.Fatalf("bad physical line %q", l)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct{ raw, text string }{
		{`a\, b\; c\\ d\n e`, "a, b; c\\ d\n e"},
		{`upper\N`, "upper\n"},
		{`plain, comma`, "plain, comma"},
		{`trailing\`, `trailing\`},
		{`odd\:colon`, "odd:colon"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := unescapeText(tt.raw); got != tt.text {
				t.Fatalf("unescapeText(%q) = %q; want %q", tt.raw, got, tt.text)
			}
			if got := unescapeText(escapeText(tt.text)); got != tt.text {
				t.Fatalf("escape round trip of %q gave %q", tt.text, got)
			}
		})
	}
	if got := splitText(`a\,b,c`); !reflect.DeepEqual(got, []string{"a,b", "c"}) {
		t.Fatalf("splitText = %q", got)
	}
}
