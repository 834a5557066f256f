package harness

import (
	"runtime/debug"
	"testing"
)

// TestSetMemoryLimit: a peer sets MemoryLimit unless GOMEMLIMIT sets a
// limit, which it then leaves in force.
func TestSetMemoryLimit(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(orig) })
	t.Setenv("GOMEMLIMIT", "")
	if got := SetMemoryLimit(); got != MemoryLimit || debug.SetMemoryLimit(-1) != MemoryLimit {
		t.Fatalf("limit %d (in force %d), want %d", got, debug.SetMemoryLimit(-1), MemoryLimit)
	}
	debug.SetMemoryLimit(123 << 20) // as the runtime does from GOMEMLIMIT at start
	t.Setenv("GOMEMLIMIT", "123MiB")
	if got := SetMemoryLimit(); got != 123<<20 || debug.SetMemoryLimit(-1) != 123<<20 {
		t.Fatalf("limit %d (in force %d) with GOMEMLIMIT, want 123 MiB", got, debug.SetMemoryLimit(-1))
	}
}
