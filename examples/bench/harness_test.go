package bench

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/weftsync/weft/examples/bench/harness"
	"github.com/weftsync/weft/node/engine/server"
)

// peerEnv makes this test binary a benchmark peer process.
const peerEnv = "WEFTBENCH_TEST_PEER"

func TestMain(m *testing.M) {
	server.Dispatch() // in an engine child this serves and never returns
	if os.Getenv(peerEnv) != "" {
		if err := harness.RunPeer(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString("peer: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	source.close()
	os.Exit(code)
}

var full = flag.Bool("bench.full", false, "run the network benchmarks at the issue's sizes (minutes)")

// TestNetworkHarness runs every network scenario with its nodes in
// separate processes on 127.0.0.1, in the short form unless -bench.full,
// and checks that they converged and that every figure was measured. It
// asserts nothing about speed: the figures are logged.
func TestNetworkHarness(t *testing.T) {
	cfg := harness.Short
	if *full {
		cfg = harness.Full
	}
	var log strings.Builder
	res, err := harness.Run(t.Context(), cfg, harness.Spawn{Path: os.Args[0], Env: []string{peerEnv + "=1"}, Joint: true}, t.TempDir(), &log)
	t.Log(log.String())
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	res.Print(&out)
	t.Log("\n" + out.String())
	if !res.FreshConverged || res.FreshChanges != cfg.Docs || res.FreshTime <= 0 {
		t.Errorf("a: fresh member: converged %v, %d changes of %d docs in %v", res.FreshConverged, res.FreshChanges, cfg.Docs, res.FreshTime)
	}
	if !res.CatchUpConverged || res.CatchUpTime <= 0 {
		t.Errorf("b: catch-up: converged %v in %v", res.CatchUpConverged, res.CatchUpTime)
	}
	for _, role := range []string{"a receiver", "a sender", "b receiver", "e node"} {
		if m, ok := res.Peak[role]; !ok || m.NodeKiB <= 0 || m.EngineKiB <= 0 {
			t.Errorf("peak memory of %s: %+v (measured %v), want node and engine figures", role, m, ok)
		}
		// The pair read together at one moment (decision 0046): every
		// part measured, and the node's anonymous part within the node's
		// own peak read after it. (The engine's part may come from an
		// engine since replaced, which the headline no longer counts.)
		if m := res.Peak[role]; m.Joint.NodeAnonKiB <= 0 || m.Joint.EngineAnonKiB <= 0 || m.Joint.FileKiB <= 0 || m.Joint.NodeAnonKiB > m.NodeKiB {
			t.Errorf("joint peak memory of %s: %+v, want every part positive and the node's at most its peak, %d KiB", role, m.Joint, m.NodeKiB)
		}
	}
	if res.InStepStored != 0 {
		t.Errorf("c: a pull in step stored %d changes", res.InStepStored)
	}
	if len(res.Latency) != cfg.LatencySamples || len(res.Paced) != cfg.PacedSamples || len(res.NodesLatency) != cfg.NodeSamples {
		t.Errorf("d, p, e: %d, %d and %d latency samples, want %d, %d and %d", len(res.Latency), len(res.Paced), len(res.NodesLatency),
			cfg.LatencySamples, cfg.PacedSamples, cfg.NodeSamples)
	}
	// Every byte count comes from the kernel's counters on live
	// connections: a scenario that moved data shows it.
	for name, w := range map[string]harness.Wire{"a": res.FreshWire, "b": res.CatchUpWire, "c": res.ReconnectWire, "c in step": res.InStepWire} {
		if w.Conns == 0 || w.Bytes <= 0 {
			t.Errorf("%s: no bytes counted on the wire: %+v", name, w)
		}
	}
	for i, d := range append(append(res.Latency, res.Paced...), res.NodesLatency...) {
		if d <= 0 || d > cfg.Timeout {
			t.Fatalf("latency sample %d is %v", i, d)
		}
	}
	if res.FreshWire.Bytes < int64(cfg.Docs)*100 {
		t.Errorf("a: %d bytes for %d documents: the counter missed the transfer", res.FreshWire.Bytes, cfg.Docs)
	}
}
