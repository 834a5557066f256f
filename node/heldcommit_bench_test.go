package node_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/nodetest"
)

var (
	heldEntries = flag.Int("held.entries", 2000, "ledger entries BenchmarkHeldCommitFirst catches up")
	heldRuns    = flag.Int("held.runs", 4, "catch-ups of each kind BenchmarkHeldCommitFirst prepares members for")
)

// BenchmarkHeldCommitFirst times a member catching up -held.entries
// ledger entries in one Ingest, from its start to OnStored (the catch-up
// durable, what scenario b waits for), committed before the engine
// finishes (decision 0043) and, alternately on fresh members of the same
// space, after it (as before). Pairs run back to back so that both see
// the same load. It reports the median of each, in ms.
func BenchmarkHeldCommitFirst(b *testing.B) {
	ctx := b.Context()
	src, err := newHeldSource(ctx, b.TempDir(), 2*(*heldRuns))
	if err != nil {
		b.Fatal(err)
	}
	defer src.n.Close()
	defer node.HeldAfter(true)
	var first, after []float64
	i := 0
	for b.Loop() {
		for _, on := range []bool{i%2 == 0, i%2 != 0} {
			node.HeldAfter(on)
			ms, err := src.catchUp(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if on {
				first = append(first, ms)
			} else {
				after = append(after, ms)
			}
		}
		i++
	}
	b.ReportMetric(median(first), "ms-durable-commit-first")
	b.ReportMetric(median(after), "ms-durable-engine-first")
}

// heldSource is a node with a ledger of entries and members of its space
// admitted before they were made, each to catch up once.
type heldSource struct {
	n      *node.Node
	sp     node.Space
	ledger string
	chunks [][]byte
	atts   [][]byte
	homes  []string
}

func newHeldSource(ctx context.Context, dir string, members int) (*heldSource, error) {
	s := &heldSource{}
	var err error
	if s.n, err = node.Init(ctx, node.Options{Home: filepath.Join(dir, "source"), NoPassphrase: true}, "Source"); err != nil {
		return nil, err
	}
	if s.sp, err = s.n.CreateSpace(ctx, "Bench"); err != nil {
		return nil, err
	}
	d, err := s.n.SpaceDetail(ctx, s.sp)
	if err != nil {
		return nil, err
	}
	s.ledger = d.Ledger
	for i := range members {
		home := filepath.Join(dir, fmt.Sprintf("member%d", i))
		if err := nodetest.AdmitNew(ctx, s.n, s.sp, home, "Member"); err != nil {
			return nil, err
		}
		s.homes = append(s.homes, home)
	}
	entries := make([]model.Entry, *heldEntries)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR", Memo: fmt.Sprintf("dues %d", i)}
	}
	if _, err := s.n.AddEntries(ctx, s.sp, entries); err != nil {
		return nil, err
	}
	changes, err := s.n.SyncLocal().Missing(ctx, s.sp.ID, s.ledger, nil)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		s.chunks = append(s.chunks, c.Raw)
		if c.Attestation != nil {
			s.atts = [][]byte{c.Attestation} // the newest covers the rest
		}
	}
	return s, nil
}

// catchUp has the next member ingest the ledger's changes in one batch and
// returns the time from the ingest's start to OnStored, in ms.
func (s *heldSource) catchUp(ctx context.Context) (float64, error) {
	if len(s.homes) == 0 {
		return 0, fmt.Errorf("no member left: raise -held.runs")
	}
	home := s.homes[0]
	s.homes = s.homes[1:]
	var stored atomic.Int64
	m, err := node.Open(ctx, node.Options{Home: home, OnStored: func(_, doc string, _ int) {
		if doc == s.ledger {
			stored.Store(time.Now().UnixNano())
		}
	}})
	if err != nil {
		return 0, err
	}
	defer m.Close()
	start := time.Now()
	res, err := m.Ingest(ctx, s.sp.ID, s.ledger, s.chunks, s.atts)
	if err != nil || res.Stored < *heldEntries || stored.Load() == 0 {
		return 0, fmt.Errorf("catch-up: %+v, %v", res, err)
	}
	return float64(time.Unix(0, stored.Load()).Sub(start).Microseconds()) / 1e3, nil
}

// median is the median of xs (0 when empty).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}
