package p2p

import (
	"sync"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/holepunch"
	ma "github.com/multiformats/go-multiaddr"
)

// How a peer is reached, as weft status and weft peers say it.
const (
	PathLAN         = "lan"          // a direct connection to a peer found by mDNS
	PathDirect      = "direct"       // a direct connection
	PathHolePunched = "hole_punched" // a direct connection made by hole punching
	PathRelayed     = "relayed"      // only through a relay
)

// Paths remembers what a connection alone does not tell: which peers were
// found on the LAN and which were reached by hole punching. It is safe for
// concurrent use.
type Paths struct {
	mu      sync.Mutex
	lan     map[peer.ID]bool
	punched map[peer.ID]bool
}

// NewPaths returns an empty record.
func NewPaths() *Paths {
	return &Paths{lan: map[peer.ID]bool{}, punched: map[peer.ID]bool{}}
}

// foundOnLAN records that mDNS announced p.
func (ps *Paths) foundOnLAN(p peer.ID) {
	ps.mu.Lock()
	ps.lan[p] = true
	ps.mu.Unlock()
}

// Trace records successful hole punches (holepunch.EventTracer).
func (ps *Paths) Trace(evt *holepunch.Event) {
	if e, ok := evt.Evt.(*holepunch.EndHolePunchEvt); ok && e.Success {
		ps.mu.Lock()
		ps.punched[evt.Remote] = true
		ps.mu.Unlock()
	}
}

// PathOf says how h reaches p now: PathLAN, PathDirect, PathHolePunched
// or PathRelayed, or "" when h holds no connection to p. A direct
// connection wins over a relayed one.
func PathOf(h host.Host, ps *Paths, p peer.ID) string {
	conns := h.Network().ConnsToPeer(p)
	if len(conns) == 0 {
		return ""
	}
	for _, c := range conns {
		if isRelayed(c.RemoteMultiaddr()) {
			continue
		}
		if ps == nil {
			return PathDirect
		}
		ps.mu.Lock()
		punched, lan := ps.punched[p], ps.lan[p]
		ps.mu.Unlock()
		switch {
		case punched:
			return PathHolePunched
		case lan:
			return PathLAN
		}
		return PathDirect
	}
	return PathRelayed
}

// OnlyLimited reports whether every connection h holds to p is limited
// (a relay circuit with a time or data limit): gossip cannot use them,
// and only streams opened with network.WithAllowLimitedConn pass.
func OnlyLimited(h host.Host, p peer.ID) bool {
	conns := h.Network().ConnsToPeer(p)
	for _, c := range conns {
		if !c.Stat().Limited {
			return false
		}
	}
	return len(conns) > 0
}

// Limits returns the duration and data limits of p's limited connection,
// if h holds one (zero when the relay did not say).
func Limits(h host.Host, p peer.ID) (limited bool, stat network.ConnStats) {
	for _, c := range h.Network().ConnsToPeer(p) {
		if c.Stat().Limited {
			return true, c.Stat()
		}
	}
	return false, network.ConnStats{}
}

// isRelayed reports whether a goes through a relay.
func isRelayed(a ma.Multiaddr) bool {
	_, err := a.ValueForProtocol(ma.P_CIRCUIT)
	return err == nil
}

// IsRelayHop reports whether p, by what identify said, offers the circuit
// relay service.
func IsRelayHop(h host.Host, p peer.ID) bool {
	ok, err := h.Peerstore().SupportsProtocols(p, HopProtocol)
	return err == nil && len(ok) > 0
}

// CircuitAddrs returns the addresses that reach dst through relay.
func CircuitAddrs(relay peer.AddrInfo, dst peer.ID) []ma.Multiaddr {
	var out []ma.Multiaddr
	tail, err := ma.NewMultiaddr("/p2p/" + relay.ID.String() + "/p2p-circuit/p2p/" + dst.String())
	if err != nil {
		return nil
	}
	for _, a := range relay.Addrs {
		if isRelayed(a) {
			continue
		}
		out = append(out, a.Encapsulate(tail))
	}
	return out
}
