package node_test

import (
	"errors"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/replicate"
)

// BenchmarkMissingStreamFirstPage is a catch-up responder's read up to
// its first page (the document's attestation refs, then 256 changes),
// for a ledger of 10,000 attested entries that the opener lacks whole:
// scenario b's sender before its first frame. It reports the node's CPU
// a read, which the load inflates less than the wall time.
func BenchmarkMissingStreamFirstPage(b *testing.B) {
	n, sp := benchNode(b)
	ctx := b.Context()
	entries := make([]model.Entry, 1000)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
	for range 10 {
		if _, err := n.AddEntries(ctx, sp, entries); err != nil {
			b.Fatal(err)
		}
	}
	detail, err := n.SpaceDetail(ctx, sp)
	if err != nil {
		b.Fatal(err)
	}
	sl := n.SyncLocal().(replicate.StreamLocal)
	first := errors.New("first page")
	self0, _ := cpuTicks(b)
	for b.Loop() {
		err := sl.MissingStream(ctx, sp.ID, detail.Ledger, nil, func([]replicate.Change) error { return first })
		if !errors.Is(err, first) {
			b.Fatal(err)
		}
	}
	self1, _ := cpuTicks(b)
	b.ReportMetric(float64(self1-self0)*10/float64(b.N), "node-CPU-ms/read")
}
