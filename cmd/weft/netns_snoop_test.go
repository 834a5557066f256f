//go:build linux

package main

// The snoop: what a non-member on the same LAN as a weft --lan node
// receives. It runs as its own process inside a namespace (the test binary
// under the name snoopCmd), listens to mDNS raw, connects with a plain
// libp2p host to every peer announced under weft's service name, accepts
// every stream a peer opens to it (pubsub's and weft's protocols
// included), and writes everything it received to a file, by source.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/miekg/dns"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/node/p2p"
)

// snoopCmd is the name the test binary runs the snoop under.
const snoopCmd = "weft-netns-snoop"

func init() {
	if filepath.Base(os.Args[0]) == snoopCmd {
		os.Exit(runSnoop(os.Args[1:]))
	}
}

// snoopCapture is what the snoop received, by source: "mdns <ip>" for mDNS
// packets, "peer <id>" for what a peer sent over libp2p.
type snoopCapture struct {
	mu       sync.Mutex
	Received map[string][]byte `json:"received"`
	// Streams lists the protocols of the streams peers opened to the snoop.
	Streams []string `json:"streams"`
	// Identify holds what identify said of each peer, as text.
	Identify map[string]string `json:"identify"`
}

func (c *snoopCapture) add(src string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Received[src] = append(c.Received[src], b...)
}

// runSnoop: weft-netns-snoop OUTFILE. It runs until SIGINT or SIGTERM.
func runSnoop(args []string) int {
	if len(args) != 1 {
		return 2
	}
	c := &snoopCapture{Received: map[string][]byte{}, Identify: map[string]string{}}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/0.0.0.0/tcp/0"))
	if err != nil {
		return 1
	}
	defer h.Close()
	protos := []protocol.ID{"/meshsub/1.0.0", "/meshsub/1.1.0", "/meshsub/1.2.0", "/meshsub/1.3.0",
		"/floodsub/1.0.0", "/weft/sync/3", "/weft/sync/2", "/weft/join/1"}
	for _, p := range protos {
		h.SetStreamHandler(p, func(s network.Stream) {
			c.mu.Lock()
			c.Streams = append(c.Streams, string(p))
			c.mu.Unlock()
			defer s.Reset()
			s.SetReadDeadline(time.Now().Add(5 * time.Second))
			b, _ := io.ReadAll(io.LimitReader(s, 1<<20))
			c.add("peer "+s.Conn().RemotePeer().String(), b)
		})
	}
	var wg sync.WaitGroup
	wg.Go(func() { snoopMDNS(ctx, h, c, &wg) })
	<-ctx.Done()
	wg.Wait()
	c.mu.Lock()
	for _, p := range h.Network().Peers() {
		agent, _ := h.Peerstore().Get(p, "AgentVersion")
		ps, _ := h.Peerstore().GetProtocols(p)
		var b strings.Builder
		b.WriteString("agent=")
		b.WriteString(toString(agent))
		for _, x := range ps {
			b.WriteString(" " + string(x))
		}
		for _, a := range h.Peerstore().Addrs(p) {
			b.WriteString(" " + a.String())
		}
		c.Identify[p.String()] = b.String()
	}
	out, _ := json.Marshal(c)
	c.mu.Unlock()
	if err := os.WriteFile(args[0], out, 0o600); err != nil {
		return 1
	}
	return 0
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

// snoopMDNS records every mDNS packet, asks for weft's service every
// second, and connects to every peer announced under it.
func snoopMDNS(ctx context.Context, h host.Host, c *snoopCapture, wg *sync.WaitGroup) {
	group := &net.UDPAddr{IP: net.IPv4(224, 0, 0, 251), Port: 5353}
	conn, err := net.ListenMulticastUDP("udp4", nil, group)
	if err != nil {
		fmt.Fprintln(os.Stderr, "snoop: listen for mDNS:", err)
		return
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	wg.Go(func() {
		q := new(dns.Msg)
		q.SetQuestion(p2p.LANService+".local.", dns.TypePTR)
		b, _ := q.Pack()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			conn.WriteToUDP(b, group)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	seen := map[peer.ID]bool{}
	buf := make([]byte, 65536)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		pkt := append([]byte(nil), buf[:n]...)
		c.add("mdns "+from.IP.String(), pkt)
		var m dns.Msg
		if m.Unpack(pkt) != nil {
			continue
		}
		found := map[peer.ID][]ma.Multiaddr{}
		for _, rr := range append(m.Answer, m.Extra...) {
			txt, ok := rr.(*dns.TXT)
			if !ok {
				continue
			}
			for _, s := range txt.Txt {
				a, err := ma.NewMultiaddr(strings.TrimPrefix(s, "dnsaddr="))
				if err != nil {
					continue
				}
				info, err := peer.AddrInfoFromP2pAddr(a)
				if err == nil {
					found[info.ID] = append(found[info.ID], info.Addrs...)
				}
			}
		}
		for id, addrs := range found {
			if seen[id] || id == h.ID() {
				continue
			}
			seen[id] = true
			wg.Go(func() {
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if err := h.Connect(cctx, peer.AddrInfo{ID: id, Addrs: addrs}); err != nil {
					fmt.Fprintln(os.Stderr, "snoop: connect:", err)
				}
			})
		}
	}
}
