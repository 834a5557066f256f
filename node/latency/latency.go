// Package latency traces where one change's time goes, step by step, from
// the sender's edit to the receiver's commit (docs/performance.md, decision
// 0032). It is off unless the environment sets WEFT_TRACE_LATENCY or a test
// calls Enable; off, Mark costs one atomic load.
package latency

import (
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Env is the environment variable that turns tracing on in a process.
const Env = "WEFT_TRACE_LATENCY"

// maxEvents bounds what is kept between two Takes; later marks are lost.
const maxEvents = 1 << 16

// Event is one step reached, and when.
type Event struct {
	Step string
	At   time.Time
}

var (
	on     atomic.Bool
	mu     sync.Mutex
	events []Event
)

func init() {
	if os.Getenv(Env) != "" {
		on.Store(true)
	}
}

// Enable turns tracing on (for tests).
func Enable() { on.Store(true) }

// Disable turns tracing off again.
func Disable() { on.Store(false) }

// On reports whether tracing is on.
func On() bool { return on.Load() }

// Mark records that step was reached now, when tracing is on.
func Mark(step string) {
	if !on.Load() {
		return
	}
	now := time.Now()
	mu.Lock()
	if len(events) < maxEvents {
		events = append(events, Event{Step: step, At: now})
	}
	mu.Unlock()
}

// Take returns the events recorded since the last Take, oldest first, and
// forgets them.
func Take() []Event {
	mu.Lock()
	defer mu.Unlock()
	out := events
	events = nil
	return out
}
