package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"syscall"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// killAuthorEnv names a member (peer ID) whose changes kill an engine
// started with it: the test stands in for a crash in the Automerge core
// that weft's checks do not know, the way quarantine is reached for real.
// Only this test binary reads it; weft itself has no such switch.
const killAuthorEnv = "WEFT_TEST_ENGINE_KILL_AUTHOR"

// faultyEngine, in an engine child started with killAuthorEnv, puts a
// filter between the RPC stream and the real engine server: a request
// carrying a change of that member kills the process at once.
func faultyEngine() {
	if os.Getenv(engine.ModeEnv) != engine.ModeValue || os.Getenv(killAuthorEnv) == "" {
		return
	}
	key, err := node.PeerKey(os.Getenv(killAuthorEnv))
	if err != nil {
		os.Exit(3)
	}
	r, w, err := os.Pipe()
	if err != nil {
		os.Exit(3)
	}
	in := os.Stdin
	os.Stdin = r
	go filterAuthor(in, w, seal.ActorPrefix(key)) // lives as long as the engine
}

func filterAuthor(in io.Reader, out io.WriteCloser, prefix []byte) {
	defer out.Close()
	for {
		var req engine.Request
		if err := engine.ReadFrame(in, &req); err != nil {
			if !errors.Is(err, io.EOF) {
				os.Exit(3)
			}
			return
		}
		for _, raw := range req.Changes {
			if c, err := wire.ParseChange(raw); err == nil && bytes.HasPrefix(c.Actor, prefix) {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
		if err := engine.WriteFrame(out, req); err != nil {
			os.Exit(3)
		}
	}
}
