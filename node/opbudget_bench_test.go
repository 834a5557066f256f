package node

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// BenchmarkEditOps measures the estimate every local edit pays before the
// engine is asked (decision 0065): one encoding of a ledger entry.
func BenchmarkEditOps(b *testing.B) {
	e := model.Edit{AddEntry: &model.Entry{ID: model.NewID(), Date: "2026-11-27", Direction: "in",
		AmountMinor: 1250, Currency: "EUR", Category: "dues", Memo: "November dues"}}
	for b.Loop() {
		_ = editOps(e)
	}
}
