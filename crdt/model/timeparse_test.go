package model

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has installed
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		name, in, zone string
		local          string
		want           string // RFC 3339
		wantZone       string
	}{
		{"wall in zone", "2026-12-01 18:00", "Europe/Paris", "", "2026-12-01T18:00:00+01:00", "Europe/Paris"},
		{"wall with T and seconds", "2026-12-01T18:00:30", "Europe/Paris", "", "2026-12-01T18:00:30+01:00", "Europe/Paris"},
		{"wall in local", "2026-07-01 09:15", "", "America/New_York", "2026-07-01T09:15:00-04:00", "America/New_York"},
		{"nil local is UTC", "2026-07-01 09:15", "", "-", "2026-07-01T09:15:00Z", "UTC"},
		{"offset without zone", "2026-12-01T18:00:00+01:00", "", "America/New_York", "2026-12-01T18:00:00+01:00", ""},
		{"offset without seconds", "2026-12-01T18:00+01:00", "", "", "2026-12-01T18:00:00+01:00", ""},
		{"offset agrees with zone", "2026-12-01T18:00:00+01:00", "Europe/Paris", "", "2026-12-01T18:00:00+01:00", "Europe/Paris"},
		{"Z with zone is an instant", "2026-12-01T17:00:00Z", "Europe/Paris", "", "2026-12-01T18:00:00+01:00", "Europe/Paris"},
		{"kolkata half hour", "2026-12-01 18:00", "Asia/Kolkata", "", "2026-12-01T18:00:00+05:30", "Asia/Kolkata"},
		{"chatham", "2026-07-01 12:00", "Pacific/Chatham", "", "2026-07-01T12:00:00+12:45", "Pacific/Chatham"},
		{"paris overlap first", "2026-10-25T02:30:00+02:00", "Europe/Paris", "", "2026-10-25T02:30:00+02:00", "Europe/Paris"},
		{"paris overlap second", "2026-10-25T02:30:00+01:00", "Europe/Paris", "", "2026-10-25T02:30:00+01:00", "Europe/Paris"},
		{"new york overlap second", "2026-11-01 01:30-05:00", "America/New_York", "", "2026-11-01T01:30:00-05:00", "America/New_York"},
		{"lord howe overlap first", "2026-04-05T01:45+11:00", "Australia/Lord_Howe", "", "2026-04-05T01:45:00+11:00", "Australia/Lord_Howe"},
		{"just after the gap", "2026-03-29 03:00", "Europe/Paris", "", "2026-03-29T03:00:00+02:00", "Europe/Paris"},
		{"just before the gap", "2026-03-29 01:59", "Europe/Paris", "", "2026-03-29T01:59:00+01:00", "Europe/Paris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var local *time.Location
			switch tt.local {
			case "":
				local = time.UTC
			case "-":
			default:
				local = mustZone(t, tt.local)
			}
			got, zone, err := ParseTime(tt.in, tt.zone, local)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format(time.RFC3339) != tt.want || zone != tt.wantZone {
				t.Fatalf("ParseTime(%q, %q) = %s %q; want %s %q", tt.in, tt.zone, got.Format(time.RFC3339), zone, tt.want, tt.wantZone)
			}
		})
	}
}

func TestParseTimeRefused(t *testing.T) {
	tests := []struct {
		name, in, zone string
		want           error
		says           []string
	}{
		{"paris gap", "2026-03-29 02:30", "Europe/Paris", ErrNonexistentTime, []string{"02:00 to 03:00", "use 03:00 or later"}},
		{"new york gap", "2026-03-08 02:30", "America/New_York", ErrNonexistentTime, []string{"02:00 to 03:00", "-05:00 to -04:00"}},
		{"lord howe half-hour gap", "2026-10-04 02:15", "Australia/Lord_Howe", ErrNonexistentTime, []string{"02:00 to 02:30", "use 02:30 or later"}},
		{"chatham gap", "2026-09-27 03:00", "Pacific/Chatham", ErrNonexistentTime, []string{"02:45 to 03:45", "+12:45 to +13:45"}},
		{"paris overlap", "2026-10-25 02:30", "Europe/Paris", ErrAmbiguousTime, []string{"2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "from 03:00 to 02:00"}},
		{"new york overlap", "2026-11-01 01:30", "America/New_York", ErrAmbiguousTime, []string{"-04:00", "-05:00"}},
		{"lord howe overlap", "2026-04-05 01:45", "Australia/Lord_Howe", ErrAmbiguousTime, []string{"+11:00", "+10:30"}},
		{"chatham overlap", "2026-04-05 03:00", "Pacific/Chatham", ErrAmbiguousTime, []string{"+13:45", "+12:45"}},
		{"offset contradicts zone", "2026-12-01T18:00:00+02:00", "Europe/Paris", ErrOffsetMismatch, []string{"+02:00", "+01:00"}},
		{"offset outside overlap", "2026-10-25T02:30:00+03:00", "Europe/Paris", ErrOffsetMismatch, nil},
		{"kolkata wrong offset", "2026-12-01T18:00+05:00", "Asia/Kolkata", ErrOffsetMismatch, []string{"+05:30"}},
		{"unknown zone", "2026-12-01 18:00", "Mars/Olympus", ErrUnknownZone, []string{"Mars/Olympus", "IANA"}},
		{"Local is no zone name", "2026-12-01 18:00", "Local", ErrUnknownZone, nil},
		{"date only", "2026-12-01", "", ErrInvalidTime, nil},
		{"hour 25", "2026-12-01 25:00", "", ErrInvalidTime, nil},
		{"compact offset", "2026-12-01 18:00+0100", "", ErrInvalidTime, nil},
		{"space before offset", "2026-12-01 18:00 +01:00", "", ErrInvalidTime, nil},
		{"fraction", "2026-12-01T18:00:00.5Z", "", ErrInvalidTime, nil},
		{"month 13", "2026-13-01 18:00", "", ErrInvalidDate, nil},
		{"february 30", "2026-02-30 18:00", "", ErrInvalidDate, []string{"February has no day 30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseTime(tt.in, tt.zone, time.UTC)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseTime(%q, %q) error = %v; want %v", tt.in, tt.zone, err, tt.want)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestParseTimeWithLoader(t *testing.T) {
	var asked string
	load := func(name string) (*time.Location, error) {
		asked = name
		return time.FixedZone("Test", 3600), nil
	}
	got, zone, err := ParseTimeWith("2026-12-01 18:00", "Test/Zone", nil, load)
	if err != nil || asked != "Test/Zone" || zone != "Test/Zone" || got.Format(time.RFC3339) != "2026-12-01T18:00:00+01:00" {
		t.Fatalf("got %s %q %v (asked %q)", got, zone, err, asked)
	}
	failing := func(string) (*time.Location, error) { return nil, errors.New("no") }
	if _, _, err := ParseTimeWith("2026-12-01 18:00", "Europe/Paris", nil, failing); !errors.Is(err, ErrUnknownZone) {
		t.Fatalf("failing loader: error = %v; want ErrUnknownZone", err)
	}
}

func TestParseDate(t *testing.T) {
	valid := []string{"2026-12-01", "2028-02-29", "0001-01-01", "9999-12-31"}
	for _, s := range valid {
		t.Run(s, func(t *testing.T) {
			y, m, d, err := ParseDate(s)
			day, err2 := ParseDay(s)
			if err != nil || err2 != nil || time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) != s || day.Format(time.DateOnly) != s || day.Location() != time.UTC {
				t.Fatalf("ParseDate(%q) = %d %d %d %v; ParseDay = %s %v", s, y, m, d, err, day, err2)
			}
		})
	}
	invalid := []string{"2026-02-30", "2026-02-29", "2026-04-31", "2026-00-10", "2026-12-00", "2026-4-01", "26-04-01", "2026/04/01", "", "2026-04-01T", "+026-04-01"}
	for _, s := range invalid {
		t.Run("invalid/"+s, func(t *testing.T) {
			if _, _, _, err := ParseDate(s); !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ParseDate(%q) error = %v; want ErrInvalidDate", s, err)
			}
			if _, err := ParseDay(s); !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ParseDay(%q) error = %v; want ErrInvalidDate", s, err)
			}
		})
	}
}

func TestParseRange(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	tests := []struct {
		name, from, to string
		loc            *time.Location
		start, end     string // RFC 3339, "" for open
	}{
		{"dates", "2026-12-01", "2026-12-02", paris, "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00"},
		{"open start", "", "2026-12-02", paris, "", "2026-12-02T00:00:00+01:00"},
		{"open end", "2026-03-29", "", paris, "2026-03-29T00:00:00+01:00", ""},
		{"both open", "", "", paris, "", ""},
		{"times", "2026-12-01 18:00", "2026-12-01T20:00:00Z", paris, "2026-12-01T18:00:00+01:00", "2026-12-01T20:00:00Z"},
		{"midnight skipped", "2026-09-06", "2026-09-07", mustZone(t, "America/Santiago"), "2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00"},
		{"nil location is UTC", "2026-12-01", "2026-12-02", nil, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := ParseRange(tt.from, tt.to, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if fmtBound(start) != tt.start || fmtBound(end) != tt.end {
				t.Fatalf("ParseRange(%q, %q) = %s, %s; want %s, %s", tt.from, tt.to, fmtBound(start), fmtBound(end), tt.start, tt.end)
			}
		})
	}
}

func fmtBound(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestParseRangeRefused(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           error
		prefix         string
	}{
		{"reversed", "2026-12-02", "2026-12-01", ErrEmptyRange, ""},
		{"equal", "2026-12-01", "2026-12-01", ErrEmptyRange, ""},
		{"bad from", "2026-02-30", "", ErrInvalidDate, "from: "},
		{"bad to", "", "tomorrow", ErrInvalidTime, "to: "},
		{"to in a gap", "", "2026-03-29 02:30", ErrNonexistentTime, "to: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseRange(tt.from, tt.to, mustZone(t, "Europe/Paris"))
			if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), tt.prefix) {
				t.Fatalf("error = %v; want %v with prefix %q", err, tt.want, tt.prefix)
			}
		})
	}
}
