package ics

import "testing"

func TestWindowsZonesLoad(t *testing.T) {
	if len(windowsZones) < 60 {
		t.Fatalf("only %d Windows zones", len(windowsZones))
	}
	for win, iana := range windowsZones {
		t.Run(win, func(t *testing.T) {
			z, ok := ianaZone(win)
			if !ok || (z.name != iana && z.name != win) { // "UTC" is an IANA name too
				t.Fatalf("ianaZone(%q) = %q, %v; want %q", win, z.name, ok, iana)
			}
		})
	}
}

func TestIANACandidates(t *testing.T) {
	tests := []struct{ tzid, want string }{
		{"Europe/Paris", "Europe/Paris"},
		{"/mozilla.org/20070129_1/Europe/Berlin", "Europe/Berlin"},
		{"Romance Standard Time", "Europe/Paris"},
		{"India Standard Time", "Asia/Kolkata"},
	}
	for _, tt := range tests {
		t.Run(tt.tzid, func(t *testing.T) {
			if z, ok := ianaZone(tt.tzid); !ok || z.name != tt.want {
				t.Fatalf("ianaZone(%q) = %q, %v", tt.tzid, z.name, ok)
			}
		})
	}
	for _, bad := range []string{"", "Local", "../etc/passwd", "Customized Time Zone"} {
		if _, ok := ianaZone(bad); ok {
			t.Errorf("ianaZone(%q) resolved", bad)
		}
	}
}
