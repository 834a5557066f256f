package crdt

import (
	"fmt"
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

// setActorRaw is setActor through amraw.SetActor when rawNew: the same
// actor set by the same core call, without automerge-go's two results
// left to finalizers (decision 0044).
func (d *Doc) setActorRaw(actor []byte) error {
	if !rawNew() {
		return d.setActor(actor)
	}
	if len(actor) != ActorLen {
		return fmt.Errorf("%w: %d bytes, want %d", ErrActor, len(actor), ActorLen)
	}
	return amraw.SetActor(d.am, actor)
}
