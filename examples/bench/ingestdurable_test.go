package bench

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftsync/weft/node"
)

// BenchmarkIngestLedgerDurable is BenchmarkIngestLedger timed at two
// points: when OnStored says the catch-up is durable (what scenario b's
// harness waits for) and when Ingest returns (the engine done with it).
// Since decision 0043 the first comes before the engine's backlog on the
// batch, the second after it; before, both came after it. It reports
// each, in ms per catch-up of -bench.ingest entries.
func BenchmarkIngestLedgerDurable(b *testing.B) {
	s := ledgerFixture(b)
	ctx := b.Context()
	var durable, returned time.Duration
	for b.Loop() {
		b.StopTimer()
		m, stored, skip := nextMember(b, s)
		start := time.Now()
		b.StartTimer()
		res, err := m.Ingest(ctx, s.sp.ID, s.ledger, s.chunks[skip:], s.atts)
		b.StopTimer()
		end := time.Now()
		if err != nil || res.Stored != len(s.chunks)-skip || stored.Load() == 0 {
			b.Fatalf("ingest: stored %d of %d, %+v, %v", res.Stored, len(s.chunks)-skip, res, err)
		}
		durable += time.Unix(0, stored.Load()).Sub(start)
		returned += end.Sub(start)
		m.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(durable.Microseconds())/1e3/n, "ms-durable")
	b.ReportMetric(float64(returned.Microseconds())/1e3/n, "ms-returned")
}

// nextMember opens the next of s's member homes (it skips the benchmark
// when none is left), with stored set to the time of the ledger's last
// OnStored, and returns how many of the ledger's changes it holds.
func nextMember(b *testing.B, s *ledgerSource) (m *node.Node, stored *atomic.Int64, skip int) {
	b.Helper()
	ctx := b.Context()
	if len(s.homes) == 0 {
		b.Skipf("no member left: raise -bench.ingestruns")
	}
	home := s.homes[0]
	s.homes = s.homes[1:]
	stored = new(atomic.Int64) // UnixNano of the ledger's last OnStored
	m, err := node.Open(ctx, node.Options{Home: home, OnStored: func(_, doc string, _ int) {
		if doc == s.ledger {
			stored.Store(time.Now().UnixNano())
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	have, err := m.SyncLocal().Digest(ctx, s.sp.ID)
	if err != nil {
		b.Fatal(err)
	}
	return m, stored, int(have[s.ledger].VV[firstActor(have[s.ledger].VV)])
}
