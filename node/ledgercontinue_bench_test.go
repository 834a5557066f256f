package node_test

import (
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// BenchmarkAddEntryAfterContinue measures one entry added to a space's
// ledger that holds 10,000 entries ("fresh") and to a new ledger that
// continues it ("continued"): after a continuation, each entry resolves
// the chain (a root-only view of the old ledger) before it is recorded
// (decision 0071). It also reports, once, how long the continuation of
// the 10,000-entry ledger and the new ledger's audit (which replays the
// old one up to the recorded heads) took.
func BenchmarkAddEntryAfterContinue(b *testing.B) {
	e := model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	add := func(b *testing.B, n *node.Node, sp node.Space) {
		for b.Loop() {
			if _, err := n.AddEntry(b.Context(), sp, e); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("fresh", func(b *testing.B) {
		n, sp, _ := largeLedger(b)
		add(b, n, sp)
	})
	b.Run("continued", func(b *testing.B) {
		n, sp, _ := largeLedger(b)
		start := time.Now()
		if _, err := n.ContinueLedger(b.Context(), sp); err != nil {
			b.Fatal(err)
		}
		moved := time.Since(start)
		start = time.Now()
		if _, err := n.Audit(b.Context(), sp); err != nil {
			b.Fatal(err)
		}
		audited := time.Since(start)
		add(b, n, sp)
		b.ReportMetric(float64(moved.Microseconds())/1000, "continue-ms")
		b.ReportMetric(float64(audited.Microseconds())/1000, "audit-ms")
	})
}
