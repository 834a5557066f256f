package crdt

import "testing"

// WithoutRawNew makes round-trip checks use automerge-go's Save, Load and
// Heads, and root keys its Map.Get, until the test ends.
func WithoutRawNew(t testing.TB) {
	rawNewOff.Store(true)
	t.Cleanup(func() { rawNewOff.Store(false) })
}
