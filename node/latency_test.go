package node_test

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/latency"
)

var (
	pacedN               = flag.Int("paced.n", 5, "TestPacedLatency: changes made, one every -paced.every")
	pacedEvery           = flag.Duration("paced.every", 150*time.Millisecond, "TestPacedLatency: time between changes")
	pacedTrace           = flag.Bool("paced.trace", false, "TestPacedLatency: trace each change's steps and log where its time went (with -v)")
	pacedPrestoreCompare = flag.Bool("paced.prestore-compare", false, "TestPacedLatency: every other change published after the edit's function (decision 0045) rather than before its insert (0053), and the latency of each half")
	pacedCompare         = flag.Bool("paced.compare", false, "TestPacedLatency: every other change with decision 0032's paths off, and the latency of each half")
)

// storedTimes records when OnStored reported each change of a space.
type storedTimes struct {
	mu    sync.Mutex
	times []time.Time
	wake  chan struct{}
}

func (s *storedTimes) onStored(_, _ string, n int) {
	now := time.Now()
	s.mu.Lock()
	for range n {
		s.times = append(s.times, now)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *storedTimes) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.times)
}

// TestPacedLatency is scenario p in one process: a makes ledger entries one
// at a time, paced, and each must be durable on b by gossip within 2 s
// (timed pulls are an hour apart). It logs the latency of each from the
// start of a's AddEntry to b's commit, and with -paced.trace the mean time
// of each step (node/latency): `go test -run TestPacedLatency -v ./node/
// -args -paced.n 100 -paced.trace`.
func TestPacedLatency(t *testing.T) {
	ctx := t.Context()
	if *pacedTrace {
		latency.Enable() // before the nodes start: gossip traces pubsub's steps only then
		defer latency.Disable()
	}
	a, _ := serveNode(t, "Amina")
	var got storedTimes
	got.wake = make(chan struct{}, 1)
	opts := node.Options{Home: t.TempDir(), NoPassphrase: true, OnStored: got.onStored}
	b, err := node.Init(ctx, opts, "Bo")
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, b, sp)
	servePair(t, a, b)
	// Warm up until gossip carries a change (the mesh forms first).
	eventually(t, "a change of a reaches b by gossip", func() error { return gossiped(t, a, b, sp) })
	if *pacedTrace {
		latency.Take()
	}
	var lat, latOn, latOff []time.Duration
	defer node.SetPacedOff(false)
	defer node.SetPrestoreOff(false)
	steps := map[string][][]time.Duration{}
	var aCommit []time.Duration // a's commit after publishing, off the path (decision 0045)
	hop := make([][]time.Duration, len(pacedHop))
	start := time.Now()
	for i := range *pacedN {
		time.Sleep(time.Until(start.Add(time.Duration(i) * *pacedEvery)))
		off := (*pacedCompare || *pacedEarlyCompare || *pacedPrestoreCompare) && i%2 == 1
		if *pacedPrestoreCompare {
			node.SetPrestoreOff(off)
		} else if *pacedEarlyCompare {
			node.SetEarlyOff(off)
		} else {
			node.SetPacedOff(off)
		}
		before := got.count()
		sent := time.Now()
		if _, err := a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: int64(i + 1),
			Currency: "EUR", Memo: fmt.Sprintf("dues %d", i)}); err != nil {
			t.Fatalf("add entry %d: %v", i, err)
		}
		deadline := time.After(time.Minute) // a guard against a hang: the latency is measured, not bounded, here
		for got.count() == before {
			select {
			case <-got.wake:
			case <-deadline:
				t.Fatalf("change %d not stored on b within a minute", i)
			}
		}
		got.mu.Lock()
		d := got.times[before].Sub(sent)
		got.mu.Unlock()
		lat = append(lat, d)
		if off {
			latOff = append(latOff, d)
		} else {
			latOn = append(latOn, d)
		}
		if *pacedTrace {
			time.Sleep(*pacedEvery / 3) // the steps after b's commit
			evs := latency.Take()
			chain, name := pacedChainOf(evs)
			at := chainTimes(chain, evs, sent)
			if steps[name] == nil {
				steps[name] = make([][]time.Duration, len(chain))
			}
			for k := range chain {
				if at[k] >= 0 && (k == 0 || at[k-1] >= 0) {
					d := at[k]
					if k > 0 {
						d -= at[k-1]
					}
					steps[name][k] = append(steps[name][k], d)
				}
			}
			at = chainTimes(pacedHop, evs, sent)
			for k := 1; k < len(pacedHop); k++ {
				if at[k] >= 0 {
					hop[k] = append(hop[k], at[k]-at[k-1])
				}
			}
			if d, ok := earlyCommit(evs, sent); ok {
				aCommit = append(aCommit, d)
			}
			if i == 0 {
				var sb strings.Builder
				for _, e := range evs {
					fmt.Fprintf(&sb, "\n  %8.3f ms %s", float64(e.At.Sub(sent).Microseconds())/1000, e.Step)
				}
				t.Logf("first change's steps:%s", sb.String())
			}
		}
	}
	logLatency(t, "paced latency a to b", lat)
	if *pacedCompare {
		logLatency(t, "with decision 0032 (even changes)", latOn)
		logLatency(t, "without (odd changes)", latOff)
	}
	if *pacedPrestoreCompare {
		logLatency(t, "published before the insert, decision 0053 (even changes)", latOn)
		logLatency(t, "published after the function, decision 0045 (odd changes)", latOff)
	}
	if *pacedEarlyCompare {
		logLatency(t, "published before the commit, decision 0045 (even changes)", latOn)
		logLatency(t, "published after it (odd changes)", latOff)
	}
	if *pacedTrace {
		for _, name := range []string{"published after the commit", "published before the commit", "published before the insert"} {
			chain := map[string][]string{"published after the commit": pacedChain, "published before the commit": pacedChainEarly,
				"published before the insert": pacedChainPrestore}[name]
			var sb strings.Builder
			for k, step := range chain {
				var ds []time.Duration
				if steps[name] != nil {
					ds = steps[name][k]
				}
				if len(ds) == 0 {
					continue
				}
				fmt.Fprintf(&sb, "\n  %-22s %s", step, stepStats(ds))
			}
			if sb.Len() > 0 {
				t.Logf("%s: time to each step from the one before:%s", name, sb.String())
			}
		}
		var sb strings.Builder
		for k := 1; k < len(pacedHop); k++ {
			if len(hop[k]) > 0 {
				fmt.Fprintf(&sb, "\n  %-22s %s", pacedHop[k], stepStats(hop[k]))
			}
		}
		if sb.Len() > 0 {
			t.Logf("pubsub's hop, from a's seal to b's validator:%s", sb.String())
		}
		if len(aCommit) > 0 {
			t.Logf("a's commit after publishing before it (off the path): %s", stepStats(aCommit))
		}
	}
}

// stepStats is the count, mean and median of ds (sorted in place).
func stepStats(ds []time.Duration) string {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	slices.Sort(ds)
	return fmt.Sprintf("n %3d  mean %7.3f ms  p50 %7.3f ms", len(ds),
		float64(sum.Microseconds())/1000/float64(len(ds)), float64(ds[len(ds)/2].Microseconds())/1000)
}

// logLatency logs the percentiles of lat.
func logLatency(t *testing.T, what string, lat []time.Duration) {
	t.Helper()
	if len(lat) == 0 {
		return
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	pct := func(p int) time.Duration { return sorted[min(len(sorted)-1, len(sorted)*p/100)] }
	t.Logf("%s, %d changes one every %v: p50 %v, p90 %v, p99 %v, max %v", what, len(lat), *pacedEvery, pct(50), pct(90), pct(99), sorted[len(sorted)-1])
}

// pacedChain is the order of the steps one change takes from a's edit to
// b's commit and b's engine (node/latency marks); a name that recurs (the
// update's marks on a, then on b) is matched after the step before it.
var pacedChain = []string{"update.locked", "update.fn", "update.committed", "pub.read", "pub.sealed",
	"pub.published", "val.start", "val.opened", "val.parsed", "val.held", "val.attest", "val.done", "recv.next",
	"recv.work", "ingest.start", "update.locked", "update.fn", "update.committed", "update.notified",
	"engine.after", "engine.applied"}

// pacedHop is the order of pubsub's steps (gossip's hop marks) from a's
// sealed envelope to b's validator.
var pacedHop = []string{"pub.sealed", "ps.sendrpc", "ps.written", "ps.recvrpc", "ps.validate", "val.start"}

// chainTimes finds chain's steps in evs in order, each the first of its
// name after the step before, and returns their times from sent (-1 for a
// step not found, and every step after it).
func chainTimes(chain []string, evs []latency.Event, sent time.Time) []time.Duration {
	out := make([]time.Duration, len(chain))
	j := 0
	for k, name := range chain {
		out[k] = -1
		for ; j < len(evs); j++ {
			if evs[j].Step == name {
				out[k] = evs[j].At.Sub(sent)
				break
			}
		}
		if out[k] < 0 {
			for k2 := k + 1; k2 < len(out); k2++ {
				out[k2] = -1
			}
			return out
		}
	}
	return out
}
