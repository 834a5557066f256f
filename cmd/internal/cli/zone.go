package cli

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// machineZone is this machine's time zone with its IANA name when one can
// be found (from TZ, then the /etc/localtime link), else time.Local.
func machineZone() *time.Location {
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			if loc, err := time.LoadLocation(name); err == nil {
				return loc
			}
		}
	}
	return time.Local
}

// describeZone names a zone for a person: its IANA name, or its offset now.
func describeZone(name string, loc *time.Location) string {
	if name != "" && name != "Local" {
		return name
	}
	_, off := time.Now().In(loc).Zone()
	return "this machine's zone (UTC" + time.Unix(0, 0).In(time.FixedZone("", off)).Format("-07:00") + ")"
}
