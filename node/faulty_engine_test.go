package node_test

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/wire"
)

// Environment of an engine child with an injected fault: when a request
// carries the change whose hash (hex) is in faultKillEnv, the engine dies
// at once, as the Automerge core does on input it cannot handle; with
// faultStallEnv, it stalls past any deadline instead.
const (
	faultKillEnv  = "WEFT_TEST_ENGINE_KILL_ON"
	faultStallEnv = "WEFT_TEST_ENGINE_STALL_ON"
)

// faultyEngine, in an engine child with a fault to inject, puts a filter
// between the RPC stream and the real engine server, which then serves.
func faultyEngine() {
	if os.Getenv(engine.ModeEnv) != engine.ModeValue {
		return
	}
	kill, stall := os.Getenv(faultKillEnv), os.Getenv(faultStallEnv)
	if kill == "" && stall == "" {
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	in := os.Stdin
	os.Stdin = r
	go filterRequests(in, w, kill, stall) // lives as long as the engine
}

func filterRequests(in io.Reader, out io.WriteCloser, kill, stall string) {
	defer out.Close()
	for {
		var req engine.Request
		if err := engine.ReadFrame(in, &req); err != nil {
			if !errors.Is(err, io.EOF) {
				os.Exit(3)
			}
			return
		}
		switch carries(req, kill, stall) {
		case "kill":
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		case "stall":
			time.Sleep(time.Hour)
		}
		if err := engine.WriteFrame(out, req); err != nil {
			os.Exit(3)
		}
	}
}

// carries says which fault, if any, a request's changes trigger.
func carries(req engine.Request, kill, stall string) string {
	all := req.Changes
	for _, d := range req.Batch { // OpApplyMany: every document's changes
		all = append(all[:len(all):len(all)], d.Changes...)
	}
	for _, raw := range all {
		c, err := wire.ParseChange(raw)
		if err != nil {
			continue
		}
		switch wire.HashHex(c.Hash) {
		case kill:
			return "kill"
		case stall:
			return "stall"
		}
	}
	return ""
}

func hashHex(t interface{ Fatal(...any) }, raw []byte) string {
	c, err := wire.ParseChange(raw)
	if err != nil {
		t.Fatal(err)
	}
	return wire.HashHex(c.Hash)
}
