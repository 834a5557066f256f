package node_test

import (
	"runtime/debug"
	"testing"

	"github.com/weftsync/weft/node"
)

// TestSetMemoryLimit: a node's process sets MemoryLimit unless GOMEMLIMIT
// sets a limit, which it then leaves in force.
func TestSetMemoryLimit(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(orig) })
	t.Setenv("GOMEMLIMIT", "")
	if got := node.SetMemoryLimit(); got != node.MemoryLimit || debug.SetMemoryLimit(-1) != node.MemoryLimit {
		t.Fatalf("limit %d (in force %d), want %d", got, debug.SetMemoryLimit(-1), node.MemoryLimit)
	}
	debug.SetMemoryLimit(123 << 20) // as the runtime does from GOMEMLIMIT at start
	t.Setenv("GOMEMLIMIT", "123MiB")
	if got := node.SetMemoryLimit(); got != 123<<20 || debug.SetMemoryLimit(-1) != 123<<20 {
		t.Fatalf("limit %d (in force %d) with GOMEMLIMIT, want 123 MiB", got, debug.SetMemoryLimit(-1))
	}
}
