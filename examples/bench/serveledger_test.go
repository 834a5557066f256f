package bench

import (
	"testing"

	"github.com/weftsync/weft/examples/bench/harness"
	"github.com/weftsync/weft/node/replicate"
)

// BenchmarkServeLedger is the sending half of scenario b without the
// network: the source streams its ledger's -bench.ingest entries as a
// responder reads them for a member that holds none (MissingStream, in
// pages), and encodes them into frames of about 2,000 changes as the
// responder packs them (chunks packed, zstd). It reports the time and
// the process's CPU per change (10 ms ticks: run -benchtime 5x or more).
func BenchmarkServeLedger(b *testing.B) {
	s := ledgerFixture(b)
	sl, ok := s.n.SyncLocal().(replicate.StreamLocal)
	if !ok {
		b.Skip("the node's Local does not stream")
	}
	ctx := b.Context()
	var cpu int64
	changes := 0
	for b.Loop() {
		s0, _, err := harness.CPUTimes()
		if err != nil {
			b.Fatal(err)
		}
		var pending []replicate.Change
		flush := func() error {
			f := &replicate.Frame{Version: replicate.Version, Kind: replicate.KindChanges, Space: s.sp.ID, Doc: s.ledger, Type: "ledger"}
			for _, c := range pending {
				f.Chunks = append(f.Chunks, c.Raw)
			}
			last := pending[len(pending)-1]
			if last.Attestation != nil {
				f.Atts = [][]byte{last.Attestation}
			} else if last.Attest != nil {
				a, err := last.Attest()
				if err != nil {
					return err
				}
				f.Atts = [][]byte{a}
			}
			if _, err := replicate.EncodeFrame(f); err != nil {
				return err
			}
			changes += len(pending)
			pending = pending[:0]
			return nil
		}
		err = sl.MissingStream(ctx, s.sp.ID, s.ledger, nil, func(cs []replicate.Change) error {
			pending = append(pending, cs...)
			if len(pending) >= 2000 {
				return flush()
			}
			return nil
		})
		if err == nil && len(pending) > 0 {
			err = flush()
		}
		if err != nil {
			b.Fatal(err)
		}
		s1, _, _ := harness.CPUTimes()
		cpu += s1 - s0
	}
	if changes != b.N*len(s.chunks) {
		b.Fatalf("%d changes framed, want %d", changes, b.N*len(s.chunks))
	}
	n := float64(changes)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/n, "µs/change")
	b.ReportMetric(float64(cpu)*1e4/n, "cpu-µs/change")
}
