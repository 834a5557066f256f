package bench

import (
	"flag"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/examples/bench/harness"
	"github.com/weftsync/weft/node/replicate"
)

// catchUpProfile names a file for a CPU profile of
// BenchmarkCatchUpSessionBatches' catch-ups alone, without its fixture's
// making (which -test.cpuprofile includes).
var catchUpProfile = flag.String("bench.catchupprofile", "", "write a CPU profile of BenchmarkCatchUpSessionBatches' catch-ups, fixture left out, to this file")

// BenchmarkCatchUpSessionBatches ingests -bench.ingest ledger entries the
// way a sync session hands them to the node: in batches of about 2,000,
// then 4,000 changes (decision 0028's stream), the document held open
// from the first and settled after the last. It reports, in ms per
// catch-up, when OnStored said the last batch was durable, when the last
// ingest returned and when Settle returned (the engine done, the check
// made), and the node's and engine's CPU per change. Since decision 0048
// each batch after the first is stored while the engine finishes the one
// before; before, each waited for it.
func BenchmarkCatchUpSessionBatches(b *testing.B) {
	s := ledgerFixture(b)
	ctx := b.Context()
	all, err := s.n.SyncLocal().Missing(ctx, s.sp.ID, s.ledger, nil)
	if err != nil || len(all) != len(s.chunks) {
		b.Fatalf("the source's ledger: %d changes, %v; want %d", len(all), err, len(s.chunks))
	}
	// attOf is the attestation of the newest attested change of
	// s.chunks[from:to]: it covers the frame (every entry is attested).
	attOf := func(from, to int) [][]byte {
		for i := to - 1; i >= from; i-- {
			if all[i].Attestation != nil {
				return [][]byte{all[i].Attestation}
			}
		}
		return nil
	}
	if *catchUpProfile != "" {
		f, err := os.Create(*catchUpProfile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var durable, returned, settled time.Duration
	var self, engine int64
	changes := 0
	for b.Loop() {
		b.StopTimer()
		m, stored, skip := nextMember(b, s)
		at := skip
		local := m.SyncLocal().(replicate.Settler)
		s0, e0, err := harness.CPUTimes()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		b.StartTimer()
		total, size := 0, 2000
		for first := true; at < len(s.chunks); first = false {
			end := min(at+size, len(s.chunks))
			part := s.chunks[at:end]
			f := replicate.FrameIn{Space: s.sp.ID, Doc: s.ledger, Type: string(model.Ledger), Chunks: part, Atts: attOf(at, end), Open: first}
			at, size = end, 4000
			res, err := local.IngestFrames(ctx, []replicate.FrameIn{f})
			if err != nil || len(res) != 1 || res[0].Stored != len(part) {
				b.Fatalf("ingest: %+v, %v; want %d stored", res, err, len(part))
			}
			total += len(part)
		}
		end := time.Now()
		local.Settle(ctx, s.sp.ID, s.ledger)
		b.StopTimer()
		done := time.Now()
		s1, e1, _ := harness.CPUTimes()
		self, engine = self+s1-s0, engine+e1-e0
		changes += total
		durable += time.Unix(0, stored.Load()).Sub(start)
		returned += end.Sub(start)
		settled += done.Sub(start)
		m.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(durable.Microseconds())/1e3/n, "ms-durable")
	b.ReportMetric(float64(returned.Microseconds())/1e3/n, "ms-returned")
	b.ReportMetric(float64(settled.Microseconds())/1e3/n, "ms-settled")
	b.ReportMetric(float64(self)*1e4/float64(changes), "node-cpu-µs/change")
	b.ReportMetric(float64(engine)*1e4/float64(changes), "engine-cpu-µs/change")
}
