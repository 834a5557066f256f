package crdt

import "testing"

// WithoutRaw makes ledger entries go through automerge-go's wrapper, one
// call per write, instead of amraw, until the test ends.
func WithoutRaw(t testing.TB) {
	rawOff.Store(true)
	t.Cleanup(func() { rawOff.Store(false) })
}

// WithRaw turns amraw back on before the test ends.
func WithRaw() { rawOff.Store(false) }
