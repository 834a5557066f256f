package server

import (
	"strconv"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// BenchmarkLedgerMemoryByEditsAndByLoad measures the C heap a 10,000-entry
// ledger holds in the engine when it was built by 10,000 edits, one entry
// each (as weftbench's A writes it), against the same document saved and
// loaded back in place (OpSave), dropped and loaded from its changes, and
// loaded from its saved form (decision 0068). Each figure is read after a
// reclaim, so that only what the loaded document holds is counted. It
// reports MB of C heap in use (by-edits-MB, save-reload-MB,
// from-changes-MB, from-snapshot-MB) and what is left free (free-MB, after
// the edits).
func BenchmarkLedgerMemoryByEditsAndByLoad(b *testing.B) {
	const entries = 10000
	likeAnEngine(b)
	_ = fixMmapThreshold() // as the engine does at its start
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC).UnixMilli()
	for b.Loop() {
		s := newServer(1 << 30)
		r := s.handle(engine.Request{Op: engine.OpCreate, Doc: "L", Actor: testActor, Time: at,
			Create: &model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}})
		if r.Err != "" {
			b.Fatal(r.Err)
		}
		all := append([][]byte(nil), r.Changes...)
		for i := range entries {
			r = s.handle(engine.Request{Op: engine.OpEdit, Doc: "L", Time: at, Edit: &model.Edit{AddEntry: &model.Entry{
				ID: model.NewID(), Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}}})
			if r.Err != "" {
				b.Fatal(r.Err)
			}
			all = append(all, r.Changes...)
		}
		inUse := func() float64 {
			reclaim()
			n, _ := mallocStats()
			return mib(n)
		}
		byEdits := inUse()
		_, free := mallocStats()
		r = s.handle(engine.Request{Op: engine.OpSave, Doc: "L"})
		if r.Err != "" {
			b.Fatal(r.Err)
		}
		saved := inUse()
		snap, covers := r.Snapshot, r.Covers
		s.handle(engine.Request{Op: engine.OpDrop, Doc: "L"})
		if r = s.handle(engine.Request{Op: engine.OpLoad, Doc: "L", Changes: all, Actor: testActor}); r.Err != "" {
			b.Fatal(r.Err)
		}
		fromChanges := inUse()
		s.handle(engine.Request{Op: engine.OpDrop, Doc: "L"})
		if r = s.handle(engine.Request{Op: engine.OpLoad, Doc: "L", Snapshot: snap, Covers: covers, Actor: testActor}); r.Err != "" {
			b.Fatal(r.Err)
		}
		fromSnapshot := inUse()
		s.handle(engine.Request{Op: engine.OpDrop, Doc: "L"})
		b.ReportMetric(byEdits, "by-edits-MB")
		b.ReportMetric(mib(free), "free-MB")
		b.ReportMetric(saved, "save-reload-MB")
		b.ReportMetric(fromChanges, "from-changes-MB")
		b.ReportMetric(fromSnapshot, "from-snapshot-MB")
	}
}
