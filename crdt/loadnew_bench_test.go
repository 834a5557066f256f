package crdt_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// BenchmarkLoadNewTrip is LoadNew of a small case study with the round
// trip in one call into the core (raw, decision 0044) and through
// automerge-go's Save, Load and Heads (wrapper), reporting the process's
// CPU time per document (cpu-µs/op: run with -cpu 1 and
// MALLOC_ARENA_MAX=1, the engine's settings; the collector's work on the
// wrapper's finalizers is counted) beside the wall time.
func BenchmarkLoadNewTrip(b *testing.B) {
	_, history := newDoc(b, model.Create{Type: model.Case, Case: sampleCase()})
	for _, raw := range []bool{true, false} {
		name := "raw"
		if !raw {
			name = "wrapper"
		}
		b.Run(name, func(b *testing.B) {
			if !raw {
				crdt.WithoutRawNew(b)
			}
			start := processCPU()
			for b.Loop() {
				if _, _, _, err := crdt.LoadNew(history, actor(2)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU()-start)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
		})
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
