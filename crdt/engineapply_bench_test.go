package crdt_test

import (
	"bytes"
	"flag"
	"strconv"
	"syscall"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

var catchUpEntries = flag.Int("engineapply.entries", 10000, "ledger entries of BenchmarkCatchUpApply (scenario b: 10,000)")

// catchUpLedger returns a ledger's first change (what the member that
// missed the entries holds) and n entries made after it, one change each,
// as weftbench's scenario b makes them (node.AddEntry: a fresh item ID,
// a date, an amount, a currency and a memo).
func catchUpLedger(b *testing.B, n int) (base, entries [][]byte) {
	b.Helper()
	d, base := newDoc(b, model.Create{Type: model.Ledger, Currency: "EUR"})
	edits := make([]model.Edit, n)
	for i := range edits {
		e := model.Entry{ID: model.NewItemID(), Date: "2026-11-26", Direction: model.DirectionIn, AmountMinor: int64(i + 1), Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}
		edits[i] = model.Edit{AddEntry: &e}
	}
	entries, err := d.EditMany(edits, at)
	if err != nil || len(entries) != n {
		b.Fatalf("EditMany: %d chunks, %v", len(entries), err)
	}
	return base, entries
}

// BenchmarkCatchUpApply applies the 10,000 ledger entries of weftbench's
// scenario b to the ledger they were made on (decision 0037): as the
// engine applies a fed catch-up (crdt.Doc.Apply, parts of 256 and other
// sizes; through amraw, and through automerge-go's wrapper as before),
// and automerge-go's own LoadIncremental with no checks at all, in parts
// and in one call (the floor). It reports µs per change, wall and CPU.
func BenchmarkCatchUpApply(b *testing.B) {
	base, entries := catchUpLedger(b, *catchUpEntries)
	want := len(entries)
	for _, c := range []struct {
		path string
		part int
	}{{"amraw", 64}, {"amraw", 256}, {"amraw", 1024}, {"amraw", len(entries)}, {"wrapper", 256}} {
		part := c.part
		b.Run("doc.Apply/"+c.path+"/part="+strconv.Itoa(part), func(b *testing.B) {
			if c.path == "wrapper" {
				crdt.WithoutRawApply(b)
			}
			cpu := cpuTime()
			for b.Loop() {
				d, err := crdt.Load(base, actor(2))
				if err != nil {
					b.Fatal(err)
				}
				var heads [][32]byte
				for i := 0; i < len(entries); i += part {
					if heads, err = d.Apply(entries[i:min(i+part, len(entries))]); err != nil {
						b.Fatal(err)
					}
				}
				if len(heads) != 1 {
					b.Fatalf("%d heads", len(heads))
				}
			}
			perChange(b, want, cpu)
		})
	}
	for _, part := range []int{256, len(entries)} {
		b.Run("am.LoadIncremental/part="+strconv.Itoa(part), func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				doc, err := am.Load(bytes.Join(base, nil))
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < len(entries); i += part {
					if err := doc.LoadIncremental(bytes.Join(entries[i:min(i+part, len(entries))], nil)); err != nil {
						b.Fatal(err)
					}
				}
				if len(doc.Heads()) != 1 {
					b.Fatal("not applied")
				}
			}
			perChange(b, want, cpu)
		})
	}
}

// perChange reports the time per change of a benchmark that applies n
// changes per iteration, and the process's CPU time per change since
// cpuStart (the machine is shared: wall time includes waiting for a CPU).
func perChange(b *testing.B, n int, cpuStart time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N)/float64(n), "µs/change")
	b.ReportMetric(float64((cpuTime()-cpuStart).Nanoseconds())/1e3/float64(b.N)/float64(n), "cpu-µs/change")
}

// cpuTime is the CPU time the process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
