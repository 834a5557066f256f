package p2p_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"

	"github.com/weftsync/weft/node/p2p"
)

// relayed builds a host on loopback with cfg's relay settings.
func relayed(t *testing.T, cfg p2p.Config) host.Host {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(nil)
	cfg.Key, cfg.Listen = priv, []string{loopTCP}
	h, err := p2p.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func TestRelayACL(t *testing.T) {
	var mu sync.Mutex
	allowed := map[peer.ID]bool{}
	var refused []string
	r := relayed(t, p2p.Config{Relay: &p2p.RelayConfig{
		Allow: func(p peer.ID) bool { mu.Lock(); defer mu.Unlock(); return allowed[p] },
		Refused: func(src, dst peer.ID) {
			mu.Lock()
			defer mu.Unlock()
			refused = append(refused, src.String()+">"+dst.String())
		},
	}})
	a := relayed(t, p2p.Config{NoHolePunch: true})
	b := relayed(t, p2p.Config{NoHolePunch: true})
	c := relayed(t, p2p.Config{NoHolePunch: true})
	mu.Lock()
	allowed[a.ID()], allowed[b.ID()] = true, true
	mu.Unlock()
	a.SetStreamHandler(echo, func(s network.Stream) { defer s.Close(); io.Copy(s, s) })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	rinfo := peer.AddrInfo{ID: r.ID(), Addrs: r.Addrs()}

	if _, err := client.Reserve(ctx, a, rinfo); err != nil {
		t.Fatalf("allowed peer's reservation: %v", err)
	}
	if _, err := client.Reserve(ctx, c, rinfo); err == nil || !strings.Contains(err.Error(), "PERMISSION_DENIED") {
		t.Fatalf("reservation of a peer outside the ACL: %v, want PERMISSION_DENIED", err)
	}
	circuit := peer.AddrInfo{ID: a.ID(), Addrs: p2p.CircuitAddrs(rinfo, a.ID())}
	t.Run("allowed peers get an unlimited circuit", func(t *testing.T) {
		if err := b.Connect(ctx, circuit); err != nil {
			t.Fatalf("b to a through the relay: %v", err)
		}
		if got := p2p.PathOf(b, nil, a.ID()); got != p2p.PathRelayed {
			t.Fatalf("path %q, want relayed", got)
		}
		if p2p.OnlyLimited(b, a.ID()) {
			t.Fatal("a weft relay's circuit is limited")
		}
		s, err := b.NewStream(ctx, a.ID(), echo)
		if err != nil {
			t.Fatal(err)
		}
		big := strings.Repeat("x", 512<<10) // beyond go-libp2p's default 128 KiB limit
		go func() { s.Write([]byte(big)); s.CloseWrite() }()
		got, err := io.ReadAll(s)
		if err != nil || len(got) != len(big) {
			t.Fatalf("echoed %d bytes, %v; want %d", len(got), err, len(big))
		}
	})
	t.Run("a peer outside the ACL gets no circuit", func(t *testing.T) {
		err := c.Connect(ctx, circuit)
		if err == nil || !strings.Contains(err.Error(), "PERMISSION_DENIED") {
			t.Fatalf("c to a through the relay: %v, want PERMISSION_DENIED", err)
		}
		mu.Lock()
		defer mu.Unlock()
		want := c.ID().String() + ">" + a.ID().String()
		found := false
		for _, r := range refused {
			found = found || r == want
		}
		if !found {
			t.Fatalf("refusals %v, want %s", refused, want)
		}
	})
}

func TestRelayNeedsAllowList(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(nil)
	h, err := p2p.New(p2p.Config{Key: priv, Listen: []string{loopTCP}, Relay: &p2p.RelayConfig{}})
	if err == nil {
		h.Close()
		t.Fatal("a relay without an allow list started")
	}
}
