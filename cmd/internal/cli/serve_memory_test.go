package cli

import (
	"runtime/debug"
	"testing"
)

// TestServeMemoryLimit: weft serve sets its soft memory limit unless
// GOMEMLIMIT sets one, which it then leaves in force.
func TestServeMemoryLimit(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(orig) })
	t.Setenv("GOMEMLIMIT", "")
	if got := setMemoryLimit(); got != serveMemoryLimit || debug.SetMemoryLimit(-1) != serveMemoryLimit {
		t.Fatalf("limit %d (in force %d), want %d", got, debug.SetMemoryLimit(-1), serveMemoryLimit)
	}
	debug.SetMemoryLimit(123 << 20) // as the runtime does from GOMEMLIMIT at start
	t.Setenv("GOMEMLIMIT", "123MiB")
	if got := setMemoryLimit(); got != 123<<20 || debug.SetMemoryLimit(-1) != 123<<20 {
		t.Fatalf("limit %d (in force %d) with GOMEMLIMIT, want 123 MiB", got, debug.SetMemoryLimit(-1))
	}
}
