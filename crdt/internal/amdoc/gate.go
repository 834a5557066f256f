package amdoc

import (
	"errors"
	"sync/atomic"
)

// ErrNotEngine is returned by every function that would touch automerge when
// Enable was not called: automerge runs only inside the engine child process
// (DESIGN.md section 5), whose server calls crdt.Enable once at start.
var ErrNotEngine = errors.New("crdt: automerge used outside the engine process")

// enabled is the one piece of package state in crdt. It is process-wide on
// purpose: what it guards (that this process is the disposable engine child,
// where an abort in the automerge core kills nothing else) is a property of
// the process, not of any value a caller could pass around. It is set once
// and never cleared, so an atomic bool is all it needs.
var enabled atomic.Bool

// Enable marks this process as the engine. It is safe to call more than once
// and from any goroutine.
func Enable() { enabled.Store(true) }

// Check returns ErrNotEngine unless Enable was called.
func Check() error {
	if !enabled.Load() {
		return ErrNotEngine
	}
	return nil
}
