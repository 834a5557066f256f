package server

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// ProfileEnv names a folder in which the engine writes a CPU profile of
// its whole life, engine-<pid>.pprof, for the benchmarks (weftbench
// -profile sets it): a node's own profile shows only the time it waits for
// its engine.
const ProfileEnv = "WEFT_ENGINE_CPUPROFILE"

// startProfile starts a CPU profile in dir when dir is not empty, and
// returns what stops it and closes its file.
func startProfile(dir string) (stop func(), err error) {
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("engine-%d.pprof", os.Getpid())))
	if err != nil {
		return nil, fmt.Errorf("create the engine's CPU profile (check %s): %w", ProfileEnv, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start the engine's CPU profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
