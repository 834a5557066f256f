package crdt

import (
	"sync/atomic"

	"github.com/weftsync/weft/crdt/internal/amraw"
)

// rawNewOff turns off the one-call round trip and the root's keys read
// in C (tests and benchmarks, to compare them with the wrapper's Save,
// Load, Heads and Map.Get they replace).
var rawNewOff atomic.Bool

// rawNew reports whether the round-trip check goes through
// amraw.RoundTrip and the root's keys through amraw.RootScalars
// (decision 0044).
func rawNew() bool { return !rawNewOff.Load() && amraw.Available() }
