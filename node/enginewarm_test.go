package node_test

import (
	"testing"
	"time"

	"github.com/weftsync/weft/node"
)

// TestStartStartsEngine: the engine's process starts with the network,
// before anything calls the engine (decision 0059), so a catch-up's first
// batch does not wait for the child's start inside its transaction. A
// reopened node starts none until then.
func TestStartStartsEngine(t *testing.T) {
	n, opts := initNode(t, "warm")
	n = reopen(t, n, opts)
	if g := node.EngineGeneration(n); g != 0 {
		t.Fatalf("engine processes started by Open = %d, want 0", g)
	}
	serveQuiet(t, n)
	// Bounded, not timed: the engine's start is measured in weftbench.
	for deadline := time.Now().Add(time.Minute); node.EngineGeneration(n) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the network started, but the engine's process did not within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r := node.EngineRestarts(n); r != 0 {
		t.Fatalf("engine processes lost = %d, want 0", r)
	}
}
