package p2p_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/p2p"
)

const (
	loopTCP  = "/ip4/127.0.0.1/tcp/0"
	loopQUIC = "/ip4/127.0.0.1/udp/0/quic-v1"
	echo     = protocol.ID("/weft/test-echo/1")
)

// newHost builds a host on loopback with a fresh key; the test closes it.
func newHost(t *testing.T, listen []string, deny func(peer.ID) bool) (host.Host, ed25519.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p2p.New(p2p.Config{Key: priv, Listen: listen, Deny: deny})
	if err != nil {
		t.Fatalf("new host: %v", err)
	}
	t.Cleanup(func() { h.Close() })
	return h, pub
}

// only returns h's addresses of one transport, with h's peer ID.
func only(h host.Host, transport string) peer.AddrInfo {
	info := peer.AddrInfo{ID: h.ID()}
	for _, a := range h.Addrs() {
		if strings.Contains(a.String(), transport) {
			info.Addrs = append(info.Addrs, a)
		}
	}
	return info
}

func TestConnectAndStream(t *testing.T) {
	for _, tr := range []string{"/tcp/", "/quic-v1"} {
		t.Run(tr, func(t *testing.T) {
			a, _ := newHost(t, []string{loopTCP, loopQUIC}, nil)
			b, _ := newHost(t, []string{loopTCP, loopQUIC}, nil)
			b.SetStreamHandler(echo, func(s network.Stream) {
				defer s.Close()
				io.Copy(s, s)
			})
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if err := a.Connect(ctx, only(b, tr)); err != nil {
				t.Fatalf("connect: %v", err)
			}
			conns := a.Network().ConnsToPeer(b.ID())
			if len(conns) != 1 || !strings.Contains(conns[0].RemoteMultiaddr().String(), tr) {
				t.Fatalf("connections %v, want one over %s", conns, tr)
			}
			s, err := a.NewStream(ctx, b.ID(), echo)
			if err != nil {
				t.Fatalf("new stream: %v", err)
			}
			defer s.Close()
			if _, err := s.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			s.CloseWrite()
			got, err := io.ReadAll(s)
			if err != nil || string(got) != "hello" {
				t.Fatalf("echo %q, %v", got, err)
			}
		})
	}
}

func TestPeerIDIsNodeIdentity(t *testing.T) {
	h, pub := newHost(t, []string{loopTCP}, nil)
	if got, want := h.ID().String(), node.PeerID(pub); got != want {
		t.Fatalf("host peer ID %s, node.PeerID %s", got, want)
	}
}

func TestIdentifyIsGeneric(t *testing.T) {
	a, _ := newHost(t, []string{loopTCP}, nil)
	b, _ := newHost(t, []string{loopTCP}, nil)
	if err := a.Connect(t.Context(), only(b, "/tcp/")); err != nil {
		t.Fatal(err)
	}
	t.Run("user agent", func(t *testing.T) {
		var agent any
		waitFor(t, func() bool {
			agent, _ = b.Peerstore().Get(a.ID(), "AgentVersion")
			return agent != nil
		})
		if agent != p2p.UserAgent {
			t.Fatalf("b sees a's agent %q, want %q", agent, p2p.UserAgent)
		}
	})
	t.Run("protocols", func(t *testing.T) {
		// identify, and the relay transport's and hole punching's own
		// protocols: generic libp2p, spoken by every libp2p program that
		// accepts circuits.
		allowed := []protocol.ID{"/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0",
			"/libp2p/circuit/relay/0.2.0/stop", "/libp2p/dcutr"}
		var got []protocol.ID
		waitFor(t, func() bool {
			got, _ = b.Peerstore().GetProtocols(a.ID())
			return len(got) > 0
		})
		for _, p := range got {
			if !slices.Contains(allowed, p) {
				t.Errorf("a announces %s, which weft does not speak", p)
			}
		}
	})
}

func TestPortInUse(t *testing.T) {
	tcp, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	tcpPort := strconv.Itoa(tcp.Addr().(*net.TCPAddr).Port)
	udpPort := strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port)
	tests := []struct{ name, addr string }{
		{"tcp", "/ip4/127.0.0.1/tcp/" + tcpPort},
		{"quic", "/ip4/127.0.0.1/udp/" + udpPort + "/quic-v1"},
		{"taken among free ones", "/ip4/127.0.0.1/tcp/" + tcpPort},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, priv, _ := ed25519.GenerateKey(nil)
			listen := []string{tt.addr}
			if i == 2 {
				listen = []string{loopQUIC, tt.addr, loopTCP}
			}
			h, err := p2p.New(p2p.Config{Key: priv, Listen: listen})
			if err == nil {
				h.Close()
				t.Fatal("listening on a taken port succeeded")
			}
			if !errors.Is(err, p2p.ErrPortInUse) || !strings.Contains(err.Error(), tt.addr) || !strings.Contains(err.Error(), "--listen") {
				t.Fatalf("error %q: want ErrPortInUse naming %s and --listen", err, tt.addr)
			}
		})
	}
}

func TestSecondHostOnSamePort(t *testing.T) {
	a, _ := newHost(t, []string{loopTCP, loopQUIC}, nil)
	for _, addr := range a.Addrs() {
		t.Run(addr.String(), func(t *testing.T) {
			_, priv, _ := ed25519.GenerateKey(nil)
			h, err := p2p.New(p2p.Config{Key: priv, Listen: []string{addr.String()}})
			if err == nil {
				h.Close()
				t.Fatal("a second host listens on the first one's port")
			}
			if !errors.Is(err, p2p.ErrPortInUse) {
				t.Fatalf("error %v, want ErrPortInUse", err)
			}
		})
	}
}

func TestGaterRefusesDenied(t *testing.T) {
	var denied peer.ID
	deny := func(p peer.ID) bool { return p == denied }
	a, _ := newHost(t, []string{loopTCP}, deny)
	a.SetStreamHandler(echo, func(s network.Stream) { s.Close() })
	b, _ := newHost(t, []string{loopTCP}, nil)
	c, _ := newHost(t, []string{loopTCP}, nil)
	denied = b.ID()
	tests := []struct {
		name     string
		from, to host.Host
		wantOK   bool
	}{
		{"denied peer dials in", b, a, false},
		{"dialing a denied peer", a, b, false},
		{"other peer dials in", c, a, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			// An inbound refusal comes after the handshake, so the dialer's
			// Connect may succeed: what counts is that no stream gets through.
			tt.from.Connect(ctx, only(tt.to, "/tcp/"))
			s, err := tt.from.NewStream(ctx, tt.to.ID(), echo)
			if err == nil {
				s.Close()
			}
			if tt.to == a && (err == nil) != tt.wantOK {
				t.Fatalf("stream to a: %v, want success %v", err, tt.wantOK)
			}
			if !tt.wantOK && len(a.Network().ConnsToPeer(b.ID())) != 0 {
				t.Fatal("a holds a connection to the denied peer")
			}
		})
	}
}

// waitFor polls cond every 10 ms for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
