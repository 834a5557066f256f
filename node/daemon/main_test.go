package daemon_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
	"github.com/weftsync/weft/node/engine/server"
)

func TestMain(m *testing.M) {
	server.Dispatch()
	os.Exit(m.Run())
}

// initNode makes a node without a passphrase in home (a new temporary
// folder when home is empty) and returns it with its home.
func initNode(t *testing.T, home, name string) (*node.Node, string) {
	t.Helper()
	if home == "" {
		home = t.TempDir()
	}
	n, err := node.Init(t.Context(), node.Options{Home: home, NoPassphrase: true}, name)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n, home
}

// serve runs a daemon for n on home until the test ends, and returns a
// function that stops it and reports Serve's error.
func serve(t *testing.T, n *node.Node, home string) (stop func() error) {
	t.Helper()
	ln, err := daemon.Listen(home)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- daemon.Serve(ctx, ln, n) }()
	var err2 error
	stopped := false
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			err2 = <-done
		}
		return err2
	}
	t.Cleanup(func() { stop() })
	return stop
}

// dial connects to home's daemon and closes the client when the test ends.
func dial(t *testing.T, home string) *daemon.Client {
	t.Helper()
	c, err := daemon.Dial(home)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, os.ErrNotExist)
}
