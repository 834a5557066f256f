package main

import (
	"context"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
)

// TestDaemonScripts runs testdata/daemon/*.txtar: CLI scripts with a
// daemon command that serves the script's home from this test process,
// as weft serve would, holding the home's lock while weft commands run.
func TestDaemonScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/daemon",
		Setup: func(env *testscript.Env) error {
			env.Setenv("WEFT_HOME", env.WorkDir+"/home")
			env.Setenv("TZ", "Europe/Paris")
			env.Values[daemonKey{}] = &served{}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture": capture,
			"daemon":  daemonCmd,
		},
		RequireExplicitExec: true,
	})
}

type daemonKey struct{}

// served is the daemon a script started, if any.
type served struct {
	stop func() error
}

// daemonCmd: "daemon start" opens the script's home (with $WEFT_PASSPHRASE
// if the store needs one) and serves it on its socket; "daemon stop" ends
// Serve and closes the node.
func daemonCmd(ts *testscript.TestScript, neg bool, args []string) {
	s := ts.Value(daemonKey{}).(*served)
	switch {
	case neg || len(args) != 1:
		ts.Fatalf("usage: daemon start|stop")
	case args[0] == "start" && s.stop == nil:
		s.stop = startDaemon(ts)
		ts.Defer(func() { stopDaemon(ts, s) })
	case args[0] == "stop" && s.stop != nil:
		stopDaemon(ts, s)
	default:
		ts.Fatalf("daemon %s: not possible now", args[0])
	}
}

func startDaemon(ts *testscript.TestScript) func() error {
	pass := ts.Getenv("WEFT_PASSPHRASE")
	home := ts.Getenv("WEFT_HOME")
	n, err := node.Open(context.Background(), node.Options{Home: home,
		Passphrase: func() ([]byte, error) { return []byte(pass), nil }})
	ts.Check(err)
	ln, err := daemon.Listen(home)
	if err != nil {
		n.Close()
		ts.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- daemon.Serve(ctx, ln, n) }()
	return func() error {
		cancel()
		err := <-done
		if cerr := n.Close(); err == nil {
			err = cerr
		}
		return err
	}
}

func stopDaemon(ts *testscript.TestScript, s *served) {
	if s.stop == nil {
		return
	}
	stop := s.stop
	s.stop = nil
	ts.Check(stop())
}
