package node

import (
	"os"
	"runtime/debug"

	"github.com/weftsync/weft/node/engine"
)

// MemoryLimit is the soft limit on the Go memory of a process that runs a
// node (weft serve, weftbench's peers) unless GOMEMLIMIT sets another: the
// Go heap of a node holding a catch-up of 10,000 changes grows to twice
// its live size under the default GOGC, and the limit makes the collector
// work harder instead once the heap nears it (decision 0030). It is not a
// hard limit: a heap that needs more gets it. Decision 0051 measured
// lower limits in weftbench: 30 MiB took about 8 MiB off each node and
// cost about 40 % more node CPU on the catch-up's path; 35 MiB took 4 to
// 5 MiB off. It was 40 MiB until decision 0068: at 36 MiB the node serving
// a catch-up holds about 3.5 MiB less (A's node and engine together under
// the 128 MiB budget) for no node CPU the catch-up's profiles could tell
// apart, where 34 MiB cost the receiver about a quarter more. GOMEMLIMIT
// is the lever for a node that must be smaller.
const MemoryLimit = 36 << 20

// SetMemoryLimit applies MemoryLimit to this process unless the
// environment sets a limit of its own (GOMEMLIMIT, which the runtime
// applied at start), and returns the limit in force.
func SetMemoryLimit() int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(MemoryLimit)
	return MemoryLimit
}

// ShrinkBinaryPages lets go of the pages of the process's executable
// that it mapped while starting and has the page cache read them back one
// 4 KiB page at a time at their next use, so that the node holds only the
// code and read-only data it runs (decision 0057; engine.ShrinkBinaryPages
// says how). A process that runs a node calls it once, first thing, as
// weft serve does; the engine does the same at its own start. It returns
// the bytes that were resident. Best effort: an error leaves the pages
// where they were.
func ShrinkBinaryPages() (int64, error) { return engine.ShrinkBinaryPages() }
