package node_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/p2p"
)

const serveLoopback = "/ip4/127.0.0.1/tcp/0"

// serveStart starts n's network on loopback with a fast timer, dialling
// peers.
func serveStart(t *testing.T, n *node.Node, peers ...string) {
	t.Helper()
	err := n.Start(t.Context(), node.NetOptions{Listen: []string{serveLoopback}, Peers: peers,
		SyncEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if addrs := n.Addrs(); len(addrs) == 0 || !strings.HasSuffix(addrs[0], "/p2p/"+n.PeerID()) {
		t.Fatalf("addresses %v, want some ending in /p2p/%s", addrs, n.PeerID())
	}
}

// servePair starts a, then b dialling a, both on 127.0.0.1 with no timed
// pulls (serveQuiet), and waits until a counts b among its connected peers.
func servePair(t *testing.T, a, b *node.Node) {
	t.Helper()
	serveQuiet(t, a)
	serveQuiet(t, b, a.Addrs()...)
	eventually(t, "a and b connected", func() error {
		if !slices.Contains(a.ConnectedPeers(), b.PeerID()) {
			return fmt.Errorf("a's peers %v", a.ConnectedPeers())
		}
		return nil
	})
}

// serveNode makes a node in a new home, with a clock that network
// goroutines may read concurrently with local edits.
func serveNode(t *testing.T, name string) (*node.Node, node.Options) {
	t.Helper()
	var mu sync.Mutex
	c := newClock()
	opts := node.Options{Home: t.TempDir(), NoPassphrase: true, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return c.now()
	}}
	n, err := node.Init(t.Context(), opts, name)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n, opts
}

// eventually polls cond every 50 ms for up to a minute: the wait ends as
// soon as cond holds, and the tests run under -race on loaded machines.
func eventually(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sees checks that n holds the event, the case and the ledger entry, and
// that its roster has members members.
func sees(ctx context.Context, n *node.Node, sp node.Space, ev, cs, entry string, members int) error {
	if _, err := n.Event(ctx, sp, ev); err != nil {
		return fmt.Errorf("event: %w", err)
	}
	if _, err := n.Case(ctx, sp, cs); err != nil {
		return fmt.Errorf("case: %w", err)
	}
	ents, err := n.Entries(ctx, sp)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ents, func(e node.LedgerEntry) bool { return e.ID == entry }) {
		return fmt.Errorf("entry %s missing from %d entries", entry, len(ents))
	}
	d, err := n.SpaceDetail(ctx, sp)
	if err != nil || len(d.Members) != members {
		return fmt.Errorf("members %d, want %d (%v)", len(d.Members), members, err)
	}
	return nil
}

func entryCount(ctx context.Context, n *node.Node, sp node.Space, want int) error {
	ents, err := n.Entries(ctx, sp)
	if err == nil && len(ents) != want {
		err = fmt.Errorf("%d entries, want %d", len(ents), want)
	}
	return err
}

func TestServeThreeNodes(t *testing.T) {
	ctx := t.Context()
	baseline := runtime.NumGoroutine()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	c, cOpts := serveNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, c, sp)
	serveStart(t, a)
	serveStart(t, b, a.Addrs()...)
	serveStart(t, c, a.Addrs()...)

	var ev, cs, entry string
	t.Run("changes on each reach all", func(t *testing.T) {
		ev = must[string](t)(a.AddEvent(ctx, sp, "", model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
			Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"}))
		cs = must[string](t)(b.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"}}))
		entry = must[string](t)(c.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 2500, Currency: "EUR"}))
		for name, n := range map[string]*node.Node{"a": a, "b": b, "c": c} {
			eventually(t, name+" sees every change", func() error { return sees(ctx, n, sp, ev, cs, entry, 3) })
		}
		if got := a.ConnectedPeers(); !slices.Contains(got, b.PeerID()) || !slices.Contains(got, c.PeerID()) {
			t.Fatalf("a's connected peers %v, want b and c", got)
		}
	})

	t.Run("a restarted node catches up through remembered peers", func(t *testing.T) {
		if err := c.Close(); err != nil {
			t.Fatalf("close c: %v", err)
		}
		for i := range 250 {
			for _, n := range []*node.Node{a, b} {
				e := model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: int64(i + 1), Currency: "EUR"}
				must[string](t)(n.AddEntry(ctx, sp, e))
			}
		}
		c2 := must[*node.Node](t)(node.Open(ctx, cOpts))
		t.Cleanup(func() { c2.Close() })
		serveStart(t, c2) // no bootstrap peers: only what c remembered
		for name, n := range map[string]*node.Node{"a": a, "b": b, "c": c2} {
			eventually(t, name+" holds all 501 entries", func() error { return entryCount(ctx, n, sp, 501) })
		}
		c = c2
	})

	// Not a subtest: a subtest's own goroutine would count.
	for _, n := range []*node.Node{a, b, c} {
		if err := n.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
	eventually(t, "goroutines back to the baseline after Close", func() error {
		if n := runtime.NumGoroutine(); n > baseline {
			buf := make([]byte, 1<<16)
			return fmt.Errorf("%d goroutines, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
		}
		return nil
	})
}

func TestServeStartErrors(t *testing.T) {
	taken, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	tests := []struct {
		name string
		opts node.NetOptions
		want error
	}{
		{"port in use", node.NetOptions{Listen: []string{"/ip4/127.0.0.1/tcp/" + port}}, p2p.ErrPortInUse},
		{"peer without an ID", node.NetOptions{Listen: []string{serveLoopback}, Peers: []string{"/ip4/127.0.0.1/tcp/1"}}, node.ErrInvalid},
		{"not a multiaddr", node.NetOptions{Listen: []string{serveLoopback}, Peers: []string{"example.org:7411"}}, node.ErrInvalid},
	}
	n, _ := serveNode(t, "Amina")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := n.Start(t.Context(), tt.opts); !errors.Is(err, tt.want) {
				t.Fatalf("start: %v, want %v", err, tt.want)
			}
			if n.Addrs() != nil {
				t.Fatal("a failed start left the network running")
			}
		})
	}
	t.Run("not started", func(t *testing.T) {
		if err := n.SyncNow(t.Context()); !errors.Is(err, node.ErrNotServing) {
			t.Fatalf("sync now: %v", err)
		}
	})
	t.Run("started twice", func(t *testing.T) {
		serveStart(t, n)
		if err := n.Start(t.Context(), node.NetOptions{Listen: []string{serveLoopback}}); err == nil {
			t.Fatal("second start succeeded")
		}
	})
}

func TestServeSyncNow(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	joinSpace(t, a, b, sp)
	servePair(t, a, b)
	if err := a.SyncNow(ctx); err != nil { // settles the pulls made on connecting
		t.Fatalf("sync now: %v", err)
	}
	id := must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-28", Direction: "in", AmountMinor: 700, Currency: "EUR"}))
	if err := a.SyncNow(ctx); err != nil {
		t.Fatalf("sync now: %v", err)
	}
	ents := must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))
	if !slices.ContainsFunc(ents, func(e node.LedgerEntry) bool { return e.ID == id }) {
		t.Fatalf("a lacks b's entry right after SyncNow: %d entries", len(ents))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if a.Addrs() != nil || a.ConnectedPeers() != nil {
		t.Fatal("a closed node reports a network")
	}
}
