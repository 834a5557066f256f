package crdt_test

import (
	"strconv"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// ledgerOf returns a ledger with n entries, one change each, and its history.
func ledgerOf(b *testing.B, n int) (*crdt.Doc, [][]byte) {
	b.Helper()
	d, history := newDoc(b, model.Create{Type: model.Ledger, Currency: "EUR"})
	for i := range n {
		history = append(history, edit(b, d, model.Edit{AddEntry: ptr(sampleEntry(i + 1))})...)
	}
	return d, history
}

// BenchmarkLedgerAddEntry adds one entry (validate, write, commit, collect
// the chunk) to a ledger of 1,000 entries.
func BenchmarkLedgerAddEntry(b *testing.B) {
	d, _ := ledgerOf(b, 1000)
	n := 1_000_000
	for b.Loop() {
		n++
		edit(b, d, model.Edit{AddEntry: ptr(sampleEntry(n))})
	}
}

// BenchmarkLoad1000 loads a document from its 1,000 stored changes.
func BenchmarkLoad1000(b *testing.B) {
	_, history := ledgerOf(b, 999) // with the create: 1,000 changes
	for b.Loop() {
		if _, err := crdt.Load(history, actor(2)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLedgerHistory300 replays a 300-change ledger for the audit. The
// cost is quadratic in the number of entries (see ledger.History).
func BenchmarkLedgerHistory300(b *testing.B) {
	_, history := ledgerOf(b, 299)
	for b.Loop() {
		if _, err := crdt.LedgerHistory(history); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTrip checks that a ledger of n entries saves and loads
// back (CheckRoundTrip), the check the engine makes after applying
// received changes.
func BenchmarkRoundTrip(b *testing.B) {
	for _, n := range []int{10, 100, 500, 2000} {
		b.Run("entries="+strconv.Itoa(n), func(b *testing.B) {
			d, _ := ledgerOf(b, n)
			for b.Loop() {
				if err := d.CheckRoundTrip(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyEntry applies one received ledger entry to a ledger of n
// entries, without the round-trip check: what a receiver does per gossip
// message.
func BenchmarkApplyEntry(b *testing.B) {
	for _, n := range []int{10, 500, 2000} {
		b.Run("entries="+strconv.Itoa(n), func(b *testing.B) {
			src, history := ledgerOf(b, n)
			var next [][][]byte
			for i := range b.N {
				next = append(next, edit(b, src, model.Edit{AddEntry: ptr(sampleEntry(n + i + 1))}))
			}
			d, err := crdt.Load(history, actor(2))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := d.Apply(next[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
