package crdt_test

import (
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// BenchmarkEditMany250 is the engine's share of a ledger import (decision
// 0035): EditMany of 250 new entries, one commit each, with their chunks
// read back, on a ledger that grows by 250 entries per iteration; through
// amraw (one cgo call for the run) and through automerge-go's wrapper (a
// call per write). It reports µs per entry.
func BenchmarkEditMany250(b *testing.B) {
	for _, path := range []string{"amraw", "wrapper"} {
		b.Run(path, func(b *testing.B) {
			if path == "wrapper" {
				crdt.WithoutRaw(b)
			}
			d, _ := newDoc(b, model.Create{Type: model.Ledger, Currency: "EUR"})
			n := 0
			for b.Loop() {
				edits := make([]model.Edit, 250)
				for i := range edits {
					n++
					edits[i] = model.Edit{AddEntry: ptr(sampleEntry(n))}
				}
				chunks, err := d.EditMany(edits, at)
				if err != nil {
					b.Fatal(err)
				}
				if len(chunks) != len(edits) {
					b.Fatalf("%d chunks for %d entries", len(chunks), len(edits))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/entry")
		})
	}
}
