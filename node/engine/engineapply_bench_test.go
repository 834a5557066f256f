package engine_test

import (
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

var catchUpEntries = flag.Int("engineapply.entries", 10000, "ledger entries of BenchmarkCatchUpEngine (scenario b: 10,000)")

// BenchmarkCatchUpEngine is the engine's share of weftbench's scenario b
// (decision 0037): a real engine process holds a ledger's first change,
// then takes the 10,000 entries a member missed as node's heldFeed hands
// them over (the first part applied with the check left to the size
// limit, the others plainly). It reports the engine process's CPU time
// per change (from /proc: the machine is shared, so the wall time
// includes waiting for a CPU) and the wall time per change of the calls.
func BenchmarkCatchUpEngine(b *testing.B) {
	e := engine.New(engine.Config{})
	b.Cleanup(func() { e.Close() })
	ctx := b.Context()
	base, err := e.Create(ctx, "src", model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, actor(0xaa), at)
	if err != nil {
		b.Fatal(err)
	}
	edits := make([]model.Edit, *catchUpEntries)
	for i := range edits {
		ent := model.Entry{ID: model.NewItemID(), Date: "2026-11-26", Direction: model.DirectionIn, AmountMinor: int64(i + 1), Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}
		edits[i] = model.Edit{AddEntry: &ent}
	}
	entries, err := e.EditMany(ctx, "src", edits, at)
	if err != nil || len(entries) != len(edits) {
		b.Fatalf("EditMany: %d chunks, %v", len(entries), err)
	}
	if err := e.Drop(ctx, "src"); err != nil {
		b.Fatal(err)
	}
	for _, part := range []int{64, 256, 1024} {
		b.Run("part="+strconv.Itoa(part), func(b *testing.B) {
			pid := e.PID()
			cpu := engineCPU(b, pid)
			for b.Loop() {
				if _, err := e.Load(ctx, "recv", base, actor(0xbb)); err != nil {
					b.Fatal(err)
				}
				var heads [][32]byte
				for i := 0; i < len(entries); i += part {
					p := entries[i:min(i+part, len(entries))]
					if i == 0 {
						heads, _, err = e.ApplyCheckUpTo(ctx, "recv", p, 40<<10)
					} else {
						heads, err = e.Apply(ctx, "recv", p, false)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if len(heads) != 1 {
					b.Fatalf("%d heads after the catch-up", len(heads))
				}
				if err := e.Drop(ctx, "recv"); err != nil {
					b.Fatal(err)
				}
			}
			if e.PID() != pid {
				b.Fatal("the engine restarted")
			}
			n := float64(b.N) * float64(len(entries))
			b.ReportMetric(float64((engineCPU(b, pid)-cpu).Nanoseconds())/1e3/n, "engine-µs/change")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/n, "µs/change")
		})
	}
}

// engineCPU is the CPU time process pid used so far (/proc/PID/schedstat:
// nanoseconds on a CPU, all its threads).
func engineCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	var total time.Duration
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range tasks {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + t.Name() + "/schedstat")
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(raw))
		if len(f) == 0 {
			b.Fatalf("schedstat of %d: %q", pid, raw)
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		total += time.Duration(ns)
	}
	return total
}
