package server

import (
	"runtime/debug"
	"testing"
)

// TestEngineGCPercent: the engine collects at gcPercent unless GOGC is
// set, in which case the runtime's reading of it stands (decision 0046).
func TestEngineGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })

	t.Setenv("GOGC", "")
	if got := setGCPercent(); got != gcPercent {
		t.Fatalf("without GOGC the engine reports %d%%, want %d%%", got, gcPercent)
	}
	if now := debug.SetGCPercent(100); now != gcPercent {
		t.Fatalf("without GOGC the engine collects at %d%%, want %d%%", now, gcPercent)
	}

	t.Setenv("GOGC", "80")
	debug.SetGCPercent(80) // as the runtime set it from GOGC at start
	if got := setGCPercent(); got != 80 {
		t.Fatalf("with GOGC=80 the engine reports %d%%", got)
	}
	if now := debug.SetGCPercent(100); now != 80 {
		t.Fatalf("with GOGC=80 the engine collects at %d%%, want the user's 80%%", now)
	}
}
