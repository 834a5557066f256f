package engine_test

import (
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

// containsLimitedAS reports whether /proc/PID/limits shows a finite
// "Max address space".
func containsLimitedAS(limits string) bool {
	for _, line := range strings.Split(limits, "\n") {
		if strings.HasPrefix(line, "Max address space") {
			return !strings.Contains(line, "unlimited")
		}
	}
	return false
}
