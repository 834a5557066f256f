package node_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine/server"
	"github.com/weftsync/weft/node/seal"
)

func TestMain(m *testing.M) {
	faultyEngine() // in an engine child started with a fault to inject
	server.Dispatch()
	if home := os.Getenv(crashWriterEnv); home != "" {
		os.Exit(runCrashWriter(home))
	}
	os.Exit(m.Run())
}

// clock is a test clock that moves a second per reading.
type clock struct{ t time.Time }

func (c *clock) now() time.Time {
	c.t = c.t.Add(time.Second)
	return c.t
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

// initNode makes a node in a new home without a passphrase.
func initNode(t *testing.T, name string) (*node.Node, node.Options) {
	t.Helper()
	opts := node.Options{Home: t.TempDir(), NoPassphrase: true, Now: newClock().now}
	n, err := node.Init(t.Context(), opts, name)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n, opts
}

// passOpts are options with a passphrase and cheap key derivation.
func passOpts(t *testing.T, pass string) node.Options {
	kdf := seal.TestKDFParams()
	return node.Options{Home: t.TempDir(), KDF: &kdf, Now: newClock().now,
		Passphrase: func() ([]byte, error) { return []byte(pass), nil }}
}

func reopen(t *testing.T, n *node.Node, opts node.Options) *node.Node {
	t.Helper()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := node.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
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
