package node_test

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// BenchmarkAddEntriesLarge is BenchmarkAddEntries1000 on a ledger that
// already holds 10,000 entries (ten imports of 1,000, not timed): each
// iteration adds 1,000 more. The durable change rate must hold as the
// ledger grows (decision 0029): nothing an import does may cost in
// proportion to the ledger's size, but a snapshot, whose gap grows with
// the document.
func BenchmarkAddEntriesLarge(b *testing.B) {
	n, sp := benchNode(b)
	entries := make([]model.Entry, 1000)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
	for range 10 {
		if _, err := n.AddEntries(b.Context(), sp, entries); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := n.AddEntries(b.Context(), sp, entries); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(entries))/b.Elapsed().Seconds(), "changes/s")
}
