package ics

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones in tests, whatever the machine has installed

	"github.com/weftsync/weft/crdt/model"
)

func importFile(t *testing.T, name string, loc *time.Location) (*Calendar, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Import(f, loc)
}

func TestImportSamples(t *testing.T) {
	tests := []struct {
		file    string
		name    string
		events  []model.Event
		refused []Refusal
	}{
		{file: "thunderbird.ics", events: []model.Event{{
			Title: "Kundgebung vor dem Rathaus", Kind: "demonstration", Status: "confirmed",
			Start: "2026-10-03T14:00:00+02:00", End: "2026-10-03T17:00:00+02:00", Zone: "Europe/Berlin",
			Place:       "Rathausplatz, Köln",
			Description: "Bitte Schilder mitbringen.\nTreffpunkt: Brunnen; danach Demozug zum Dom.",
			ICSUID:      "4b7f1c2e-9d3a-4f21-8a0e-1c2d3e4f5a6b", ICSSequence: 2, ICSModified: "2026-09-02T08:30:00Z",
		}, {
			Title: "Plenum", Kind: "meeting", Status: "planned",
			Start: "2026-10-06T19:00:00+02:00", End: "2026-10-06T21:00:00+02:00", Zone: "Europe/Berlin",
			Recurrence: []string{"RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261222T180000Z", "EXDATE;TZID=Europe/Berlin:20261103T190000"},
			ICSUID:     "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b", ICSModified: "2026-09-01T10:17:00Z",
		}}},
		{file: "google.ics", name: "Coalition campaigns", events: []model.Event{{
			Title: "Organiser training weekend", Kind: "training", Status: "confirmed",
			Start: "2026-11-14", End: "2026-11-16", AllDay: true,
			Place: "Community Center, 12 Main St, Springfield", Description: "Two-day training for new organisers. Bring a laptop.",
			ICSUID: "0a1b2c3d4e5f6g7h8i9j@google.com", ICSModified: "2026-09-20T09:00:00Z",
		}, {
			Title: "Petition handover", Kind: "other", Status: "planned",
			Start: "2026-12-01T23:00:00Z", End: "2026-12-02T00:00:00Z",
			Online:      "https://meet.google.com/abc-defg-hij",
			Description: "Hand the signatures to the council.\n\nJoin with Google Meet: https://meet.google.com/abc-defg-hij",
			ICSUID:      "petition-handover-2026@google.com", ICSSequence: 1, ICSModified: "2026-09-21T10:10:10Z",
		}, {
			Title: "Phone bank", Kind: "other", Status: "confirmed",
			Start: "2026-11-05T18:00:00-05:00", End: "2026-11-05T19:30:00-05:00", Zone: "America/New_York",
			Recurrence: []string{"RRULE:FREQ=WEEKLY;WKST=SU;COUNT=6;BYDAY=TH", "EXDATE;TZID=America/New_York:20261126T180000"},
			ICSUID:     "weekly-phonebank@google.com", ICSModified: "2026-09-15T14:00:00Z",
		}}, refused: []Refusal{{UID: "weekly-phonebank@google.com", Line: 80, Reason: "changes one occurrence of a recurring event (RECURRENCE-ID); weft keeps whole events only"}}},
		{file: "outlook.ics", events: []model.Event{{
			Title: "Solidaritätsessen", Kind: "fundraiser", Status: "planned",
			Start: "2026-11-20T19:00:00+01:00", End: "2026-11-20T22:00:00+01:00", Zone: "Europe/Berlin",
			Place: "Gemeindesaal St. Anna", Description: "Fundraising dinner for the legal fund.\n\nTickets at the door.\n",
			ICSUID:      "040000008200E00074C5B7101A82E00800000000D0B5F3E2C53BDB010000000000000000100000004A6F2E1C7B9D8E4F8A1B2C3D4E5F6A7B",
			ICSModified: "2026-09-10T08:12:00Z",
		}, {
			Title: "Beach clean-up action", Kind: "action", Status: "cancelled",
			Start: "2026-12-05T10:00:00+11:00", End: "2026-12-05T12:00:00+11:00",
			Place:       "Hyde Park",
			ICSUID:      "040000008200E00074C5B7101A82E00800000000F1C2D3E4C53BDB01000000000000000010000000AABBCCDDEEFF00112233445566778899",
			ICSSequence: 1, ICSModified: "2026-09-11T09:00:00Z",
		}, {
			Title: "Office closed", Kind: "other", Status: "planned", Start: "2026-12-24", End: "2026-12-25", AllDay: true,
			Recurrence: []string{"RRULE:FREQ=YEARLY;BYMONTHDAY=24;BYMONTH=12"},
			ICSUID:     "040000008200E00074C5B7101A82E0080000000011223344C53BDB010000000000000000100000001122334455667788",
		}}, refused: []Refusal{{UID: "no-start@outlook", Line: 92, Reason: "no DTSTART"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cal, err := importFile(t, tt.file, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if cal.Name != tt.name {
				t.Errorf("name = %q; want %q", cal.Name, tt.name)
			}
			if got := events(cal); !reflect.DeepEqual(got, tt.events) {
				t.Errorf("events:\n got %+v\nwant %+v", got, tt.events)
			}
			if !reflect.DeepEqual(cal.Refused, tt.refused) {
				t.Errorf("refused = %+v; want %+v", cal.Refused, tt.refused)
			}
		})
	}
}

func events(cal *Calendar) []model.Event {
	var out []model.Event
	for _, e := range cal.Events {
		out = append(out, e.Event)
	}
	return out
}

func TestImportBroken(t *testing.T) {
	tests := []struct {
		file string
		line int
		says string
	}{
		{"broken/bad-date.ics", 12, "bad date-time"},
		{"broken/unknown-zone.ics", 7, `unknown time zone "Mars Standard Time"`},
		{"broken/unterminated.ics", 9, "BEGIN:VEVENT is never closed"},
		{"broken/no-colon.ics", 8, "no colon"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cal, err := importFile(t, tt.file, time.UTC)
			var pe *ParseError
			if !errors.As(err, &pe) || cal != nil {
				t.Fatalf("Import = %v, %v; want a *ParseError and nothing imported", cal, err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Msg, tt.says) {
				t.Fatalf("error %q at line %d; want line %d saying %q", pe.Msg, pe.Line, tt.line, tt.says)
			}
		})
	}
}

// TestImportNoEnd reads events that give DTSTART and neither DTEND nor
// DURATION as events with no End (RFC 5545 section 3.6.1: a timed one takes
// no time, an all-day one lasts its day); DURATION still gives an End.
func TestImportNoEnd(t *testing.T) {
	tests := []struct {
		name, props string
		want        model.Event
	}{
		{"timed in a zone", "DTSTART;TZID=Europe/Berlin:20261201T180000",
			model.Event{Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Berlin"}},
		{"utc", "DTSTART:20261201T170000Z", model.Event{Start: "2026-12-01T17:00:00Z"}},
		{"floating", "DTSTART:20261201T170000", model.Event{Start: "2026-12-01T17:00:00Z", Zone: "UTC"}},
		{"all day", "DTSTART;VALUE=DATE:20261208", model.Event{Start: "2026-12-08", AllDay: true}},
		{"duration", "DTSTART:20261201T170000Z\r\nDURATION:PT1H",
			model.Event{Start: "2026-12-01T17:00:00Z", End: "2026-12-01T18:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n" +
				"DTSTAMP:20260901T120000Z\r\nSUMMARY:Meet\r\n" + tt.props + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
			cal, err := Import(strings.NewReader(file), time.UTC)
			if err != nil || len(cal.Events) != 1 {
				t.Fatalf("Import = %+v, %v; want one event", cal, err)
			}
			want := tt.want
			want.Title, want.Kind, want.Status, want.ICSUID = "Meet", "other", "planned", "u1"
			if got := cal.Events[0].Event; !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}
