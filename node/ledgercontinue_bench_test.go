package node_test

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// BenchmarkAddEntryAfterContinue measures one entry added to a space's
// ledger that holds 10,000 entries ("fresh") and to a new ledger that
// continues it ("continued"): after a continuation, each entry resolves
// the chain (a view of the old ledger) before it is recorded (decision
// 0071).
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
		if _, err := n.ContinueLedger(b.Context(), sp); err != nil {
			b.Fatal(err)
		}
		add(b, n, sp)
	})
}
