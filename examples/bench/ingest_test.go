package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/examples/bench/harness"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/nodetest"
)

var (
	ingestEntries = flag.Int("bench.ingest", 2000, "ledger entries BenchmarkIngestLedger catches up")
	ingestRuns    = flag.Int("bench.ingestruns", 12, "members BenchmarkIngestLedger prepares: one per iteration, over every -count")
)

// ledgerSource is a node holding a ledger of *ingestEntries entries, made
// once per test binary, with everything a catching-up member is sent.
type ledgerSource struct {
	n      *node.Node
	sp     node.Space
	ledger string
	chunks [][]byte
	atts   [][]byte // the attestation of the newest change, as a sync frame carries
	homes  []string // members admitted before the entries were made, not yet used
	dir    string   // the folder of every home
	err    error
}

var (
	sourceOnce sync.Once
	source     ledgerSource
)

func ledgerFixture(b *testing.B) *ledgerSource {
	sourceOnce.Do(func() {
		dir, err := os.MkdirTemp("", "weftingest")
		if err != nil {
			source.err = err
			return
		}
		source.dir = dir
		source.err = source.make(dir)
	})
	if source.err != nil {
		b.Fatal(source.err)
	}
	return &source
}

func (s *ledgerSource) make(home string) error {
	ctx := context.Background()
	var err error
	if s.n, err = node.Init(ctx, node.Options{Home: home, NoPassphrase: true}, "Source"); err != nil {
		return err
	}
	if s.sp, err = s.n.CreateSpace(ctx, "Bench"); err != nil {
		return err
	}
	d, err := s.n.SpaceDetail(ctx, s.sp)
	if err != nil {
		return err
	}
	s.ledger = d.Ledger
	for i := range *ingestRuns {
		home := filepath.Join(home, fmt.Sprintf("member%d", i))
		if err := nodetest.AdmitNew(ctx, s.n, s.sp, home, "Member"); err != nil {
			return err
		}
		s.homes = append(s.homes, home)
	}
	for i := range *ingestEntries {
		e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR", Memo: fmt.Sprintf("dues %d", i)}
		if _, err := s.n.AddEntry(ctx, s.sp, e); err != nil {
			return err
		}
	}
	changes, err := s.n.SyncLocal().Missing(ctx, s.sp.ID, s.ledger, nil)
	if err != nil {
		return err
	}
	for _, c := range changes {
		s.chunks = append(s.chunks, c.Raw)
	}
	for i := len(changes) - 1; i >= 0; i-- { // the newest attested change
		if changes[i].Attestation != nil {
			s.atts = [][]byte{changes[i].Attestation}
			break
		}
	}
	return nil
}

// close closes the source node and removes every home it made.
func (s *ledgerSource) close() {
	if s.n != nil {
		s.n.Close()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// member opens a member admitted before the entries were made and not
// used yet.
func (s *ledgerSource) member(b *testing.B) *node.Node {
	if len(s.homes) == 0 {
		b.Skipf("no member left: run with -benchtime 1x, or raise -bench.ingestruns")
	}
	home := s.homes[0]
	s.homes = s.homes[1:]
	m, err := node.Open(b.Context(), node.Options{Home: home})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkIngestLedger is the receiving half of scenario b without the
// network: a member that holds the ledger's first change ingests the
// -bench.ingest entries after it in one frame (one transaction), with the
// attestation of the newest, as a sync frame brings them. It reports the
// time per change.
func BenchmarkIngestLedger(b *testing.B) {
	s := ledgerFixture(b)
	ctx := b.Context()
	var self, engine int64
	for b.Loop() {
		b.StopTimer()
		m := s.member(b)
		have, err := m.SyncLocal().Digest(ctx, s.sp.ID)
		if err != nil {
			b.Fatal(err)
		}
		skip := int(have[s.ledger].VV[firstActor(have[s.ledger].VV)])
		if skip >= len(s.chunks) {
			b.Fatalf("the new member holds %d of %d changes already", skip, len(s.chunks))
		}
		s0, e0, err := harness.CPUTimes()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := m.Ingest(ctx, s.sp.ID, s.ledger, s.chunks[skip:], s.atts)
		b.StopTimer()
		s1, e1, _ := harness.CPUTimes()
		self, engine = self+s1-s0, engine+e1-e0
		if err != nil || res.Stored != len(s.chunks)-skip || res.Refused != 0 {
			b.Fatalf("ingest: stored %d of %d, %+v, %v", res.Stored, len(s.chunks)-skip, res, err)
		}
		m.Close()
		b.StartTimer()
	}
	n := float64(b.N) * float64(len(s.chunks))
	b.ReportMetric(float64(b.Elapsed().Microseconds())/n, "µs/change")
	// CPU time, in µs per change, of this process (node and store) and of
	// its engine child, from /proc (10 ms ticks: coarse).
	b.ReportMetric(float64(self)*1e4/n, "node-cpu-µs/change")
	b.ReportMetric(float64(engine)*1e4/n, "engine-cpu-µs/change")
}

// firstActor is the one actor of vv (the ledger's creator), or "".
func firstActor(vv map[string]uint64) string {
	for a := range vv {
		return a
	}
	return ""
}
