// Command weftbench runs weft's network benchmarks (issue 3, DESIGN.md
// section 12) with every node in its own OS process on 127.0.0.1:
//
//	go run ./examples/bench/cmd/weftbench          # the short form
//	go run ./examples/bench/cmd/weftbench -full    # the sizes
//
// It starts copies of itself as peers (weftbench peer), each with its own
// engine child. Figures are kept in docs/performance.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	_ "time/tzdata"

	"github.com/weftsync/weft/examples/bench/harness"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/engine/server"
	"github.com/weftsync/weft/node/latency"
	_ "github.com/weftsync/weft/node/onearena" // one malloc arena for the node's C heap (decision 0073)
)

func main() {
	server.Dispatch() // in an engine child this serves and never returns
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "peer" {
		if err := harness.RunPeer(ctx, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "weftbench peer:", err)
			os.Exit(1)
		}
		return
	}
	// The driver runs the peers' binary: its pages, read with the disk's
	// readahead, would be in the page cache in large folios that the
	// peers then map whole (decision 0057).
	_, _ = engine.ShrinkBinaryPages()
	full := flag.Bool("full", false, "run the issue's sizes (1,000 docs, 10,000 entries, 10 nodes) instead of the short form")
	nodes := flag.Int("nodes", 0, "nodes for scenario e (default: 3 short, 10 full)")
	skipE := flag.Bool("skip-e", false, "skip scenario e")
	only := flag.String("only", "", "run only these scenarios, e.g. b or ac; p is paced latency, one change every 150 ms (default: all)")
	prof := flag.String("profile", "", "folder for CPU profiles of the receivers (a.pprof, ...) and senders (a-sender.pprof, ...) of scenarios a, b, d, p and e")
	engProf := flag.String("engine-profile", "", "folder for CPU profiles of every peer's engine (engine-PID.pprof; the receiver's engine of (a) is the one that loads new documents)")
	joint := flag.Bool("joint", false, "also sample each peer and its engine together, each page once, every 20 ms (decision 0046); costs the driver CPU that the peers share, so latency figures run without it")
	stepsFlag := flag.Bool("steps", false, "trace the steps of scenario p's changes (node/latency marks in every peer) and log where the time goes from A's publish to B's commit; for scenario b, log the timeline of both peers from B's start")
	dir := flag.String("dir", "", "folder for the nodes' homes (default: a new temporary folder, removed after)")
	flag.Parse()
	cfg := harness.Short
	if *full {
		cfg = harness.Full
	}
	if *nodes > 0 {
		cfg.Nodes = *nodes
	}
	if *skipE {
		cfg.Nodes = 0
	}
	cfg.Only, cfg.Profile = *only, *prof
	home := *dir
	if home == "" {
		d, err := os.MkdirTemp("", "weftbench")
		if err != nil {
			fmt.Fprintln(os.Stderr, "weftbench:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(d)
		home = d
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		os.Exit(1)
	}
	spawn := harness.Spawn{Path: exe, Args: []string{"peer"}, Joint: *joint}
	if *engProf != "" {
		spawn.Env = []string{server.ProfileEnv + "=" + *engProf}
	}
	if *stepsFlag {
		spawn.Env = append(spawn.Env, latency.Env+"=1")
		cfg.Steps = true
	}
	res, err := harness.Run(ctx, cfg, spawn, home, os.Stderr)
	res.Print(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		if *dir == "" {
			os.RemoveAll(home) // os.Exit skips the deferred removal
		}
		os.Exit(1)
	}
}
