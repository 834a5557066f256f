package server

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/weftsync/weft/node/engine"
)

// Dispatch turns the current process into an engine when it was started as
// one (see engine.ModeEnv) and never returns in that case. Call it first
// thing in main and in TestMain.
func Dispatch() {
	if os.Getenv(engine.ModeEnv) != engine.ModeValue {
		return
	}
	if err := Main(); err != nil {
		fmt.Fprintln(os.Stderr, "weft engine:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Main serves RPCs on stdin/stdout until stdin closes. It moves the RPC
// stream off file descriptor 1 first, so nothing printed by accident can
// corrupt a frame.
func Main() error {
	rpcOut, err := takeStdout()
	if err != nil {
		return err
	}
	defer rpcOut.Close()
	// Best effort, as the page drop at warm-up: an engine whose C heap
	// keeps the dynamic threshold only costs memory.
	_ = fixMmapThreshold()
	setGCPercent()
	s := newServer(budgetFromEnv())
	if err := s.warmUp(); err != nil {
		return fmt.Errorf("warm up: %w", err)
	}
	if err := limitAddressSpace(marginFromEnv()); err != nil {
		return fmt.Errorf("limit memory: %w", err)
	}
	stop, err := startProfile(os.Getenv(ProfileEnv))
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer stop()
	return s.serve(os.Stdin, rpcOut)
}

// gcPercent is the engine's GOGC unless the environment sets one
// (decision 0046): the engine's live Go heap is a few MiB of requests and
// answers in flight, so collecting at half again its size instead of
// twice costs little CPU and keeps megabytes of dead requests from
// piling up between collections (the Go runtime's smallest heap goal is
// 4 MiB times GOGC/100).
const gcPercent = 50

// setGCPercent applies gcPercent unless GOGC is set, and returns the
// percentage in force.
func setGCPercent() int {
	if os.Getenv("GOGC") != "" {
		old := debug.SetGCPercent(100)
		debug.SetGCPercent(old)
		return old
	}
	debug.SetGCPercent(gcPercent)
	return gcPercent
}
