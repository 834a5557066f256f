package crdt

import "testing"

// WithoutRawApply makes received changes go through automerge-go's
// wrapper (LoadIncremental, then Heads) instead of amraw, until the test
// ends.
func WithoutRawApply(t testing.TB) {
	rawApplyOff.Store(true)
	t.Cleanup(func() { rawApplyOff.Store(false) })
}
