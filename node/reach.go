package node

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/node/p2p"
	"github.com/weftsync/weft/store"
)

// How often the network rereads the rosters (members to reach, the
// relay's allow list) and pulls from peers reached only through a relay
// that limits circuits (gossip cannot use those connections).
const (
	reachEvery       = 5 * time.Second
	limitedSyncEvery = 5 * time.Second
)

// maxRefusalsLogged bounds the peers whose last refusal is remembered.
const maxRefusalsLogged = 1024

// reachState is what the network keeps to reach members beyond its
// bootstrap and remembered peers: the rosters' members and relays, the
// LAN service, and, on a relay, its allow list and refusals.
type reachState struct {
	paths *p2p.Paths
	ready chan struct{} // closed once the host and dialer exist
	lan   io.Closer
	dht   *p2p.DHT // nil without --dht
	// lanAddrs is what mDNS announces, for stderr and the doctor.
	lanAddrs []string

	reachable  atomic.Value                     // string: libp2p's latest verdict on our reachability
	allow      atomic.Pointer[map[peer.ID]bool] // who may use our relay
	relayAllow map[peer.ID]bool                 // --relay-allow

	// refreshing serialises refreshReach, so that a reread started
	// before a roster change never overwrites one started after it.
	refreshing sync.Mutex

	mu       sync.Mutex
	members  map[peer.ID][]string // member -> names of the spaces shared
	relays   []peer.AddrInfo      // set by the rosters' set_relays
	refusals map[peer.ID]time.Time
}

// rosterView is what the rosters of every held space say about the network.
type rosterView struct {
	members map[peer.ID][]string
	relays  []peer.AddrInfo
}

// rosterView replays every space's membership log.
func (n *Node) rosterView(ctx context.Context) (rosterView, error) {
	v := rosterView{members: map[peer.ID][]string{}}
	recs, err := n.spaceRecords(ctx)
	if err != nil {
		return v, err
	}
	self := n.PeerID()
	err = n.db.View(ctx, func(tx *store.Tx) error {
		for _, rec := range recs {
			r, err := n.spaceRoster(tx, rec.ID)
			if err != nil {
				return err
			}
			for _, m := range r.Members() {
				id, err := peer.Decode(PeerID(m.Key))
				if err != nil || id.String() == self {
					continue
				}
				v.members[id] = append(v.members[id], orDefault(r.Name(), rec.Name))
			}
			v.relays = append(v.relays, parseRelays(r.Relays())...)
		}
		return nil
	})
	if err != nil {
		return v, fmt.Errorf("node: read rosters: %w", storeErr(err))
	}
	return v, nil
}

// parseRelays keeps the relay multiaddrs that end in /p2p/ID.
func parseRelays(ss []string) []peer.AddrInfo {
	var out []peer.AddrInfo
	for _, s := range ss {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			continue
		}
		info, err := peer.AddrInfoFromP2pAddr(a)
		if err != nil {
			continue
		}
		out = append(out, *info)
	}
	return out
}

// refreshReach rereads the rosters: the members to reach, the relays they
// name, and (on a relay) who may use it.
func (s *netState) refreshReach(ctx context.Context) error {
	s.reach.refreshing.Lock()
	defer s.reach.refreshing.Unlock()
	v, err := s.n.rosterView(ctx)
	if err != nil {
		return err
	}
	r := &s.reach
	allow := map[peer.ID]bool{}
	for p := range r.relayAllow {
		allow[p] = true
	}
	for p := range v.members {
		allow[p] = true
	}
	r.allow.Store(&allow)
	r.mu.Lock()
	r.members, r.relays = v.members, v.relays
	r.mu.Unlock()
	return nil
}

// allowed reports whether p may use this node's relay: a member of one of
// its spaces, or a peer given with --relay-allow.
func (r *reachState) allowed(p peer.ID) bool {
	m := r.allow.Load()
	return m != nil && (*m)[p]
}

// relayRefused logs a refusal by this node's relay, at most once a minute
// per peer.
func (s *netState) relayRefused(src, dst peer.ID) {
	r := &s.reach
	r.mu.Lock()
	if r.refusals == nil || len(r.refusals) > maxRefusalsLogged {
		r.refusals = map[peer.ID]time.Time{} // bounded: a flood of peer IDs only costs log lines
	}
	last, seen := r.refusals[src]
	now := time.Now()
	if seen && now.Sub(last) < time.Minute {
		r.mu.Unlock()
		return
	}
	r.refusals[src] = now
	r.mu.Unlock()
	if dst == "" {
		s.n.log.Warn("relay refused a reservation: the peer is not a member of our spaces nor given with --relay-allow", "peer", src.String())
		return
	}
	s.n.log.Warn("relay refused a circuit: both ends must be members of our spaces or given with --relay-allow", "from", src.String(), "to", dst.String())
}

// relayCandidates lists the relays AutoRelay may reserve on: those the
// rosters name, then connected or remembered peers that offer the relay
// service, then bootstrap peers (AutoRelay checks that they relay).
func (s *netState) relayCandidates(ctx context.Context) []peer.AddrInfo {
	select {
	case <-s.reach.ready:
	case <-ctx.Done():
		return nil
	}
	seen := map[peer.ID]bool{s.h.ID(): true}
	var out []peer.AddrInfo
	add := func(info peer.AddrInfo) {
		if seen[info.ID] {
			return
		}
		seen[info.ID] = true
		if len(info.Addrs) == 0 {
			info.Addrs = s.h.Peerstore().Addrs(info.ID)
		}
		out = append(out, info)
	}
	s.reach.mu.Lock()
	roster := append([]peer.AddrInfo(nil), s.reach.relays...)
	s.reach.mu.Unlock()
	for _, info := range roster {
		add(info)
	}
	for _, p := range s.h.Network().Peers() {
		if p2p.IsRelayHop(s.h, p) {
			add(peer.AddrInfo{ID: p})
		}
	}
	for _, info := range s.dial.known() {
		if p2p.IsRelayHop(s.h, info.ID) || s.dial.isBootstrap(info.ID) {
			add(info)
		}
	}
	return out
}

// knownRelays returns the relays this node can reach members through now:
// connected peers that offer the relay service, and the rosters' relays.
func (s *netState) knownRelays() []peer.AddrInfo {
	seen := map[peer.ID]bool{s.h.ID(): true}
	var out []peer.AddrInfo
	for _, p := range s.h.Network().Peers() {
		if p2p.IsRelayHop(s.h, p) && !seen[p] {
			seen[p] = true
			out = append(out, peer.AddrInfo{ID: p, Addrs: s.h.Peerstore().Addrs(p)})
		}
	}
	s.reach.mu.Lock()
	defer s.reach.mu.Unlock()
	for _, info := range s.reach.relays {
		if !seen[info.ID] {
			seen[info.ID] = true
			out = append(out, info)
		}
	}
	return out
}

// reachLoop keeps the rosters' view fresh and makes every member that is
// not connected a dial target through each known relay, until the
// network stops.
func (s *netState) reachLoop() {
	round := func() {
		if err := s.refreshReach(s.ctx); err != nil && s.ctx.Err() == nil {
			s.n.log.Warn("read the rosters", "err", err)
		}
		s.dialThroughRelays()
	}
	round()
	s.every(reachEvery, round)
}

// unconnectedMembers returns the members of our spaces we hold no
// connection to.
func (s *netState) unconnectedMembers() []peer.ID {
	s.reach.mu.Lock()
	defer s.reach.mu.Unlock()
	var out []peer.ID
	for m := range s.reach.members {
		if len(s.h.Network().ConnsToPeer(m)) == 0 {
			out = append(out, m)
		}
	}
	return out
}

// dialThroughRelays adds, for every member not connected, its circuit
// addresses through every known relay to the dialer's targets.
func (s *netState) dialThroughRelays() {
	relays := s.knownRelays()
	if len(relays) == 0 {
		return
	}
	for _, m := range s.unconnectedMembers() {
		for _, r := range relays {
			if r.ID == m {
				continue
			}
			if addrs := p2p.CircuitAddrs(r, m); len(addrs) > 0 {
				s.dial.add(peer.AddrInfo{ID: m, Addrs: addrs})
			}
		}
	}
}

// limitedTick pulls, on a short timer, from the peers reached only
// through connections a relay limits: gossip does not run over them, so
// sync carries the live changes.
func (s *netState) limitedTick() {
	s.every(limitedSyncEvery, func() {
		for _, p := range s.h.Network().Peers() {
			if p2p.OnlyLimited(s.h, p) {
				s.pullSoon(p)
			}
		}
	})
}

// startLAN announces the node with mDNS and dials the members it finds.
// Peers that are not members of our spaces are never dialled.
func (s *netState) startLAN() error {
	svc, addrs, err := p2p.StartLAN(s.h, s.reach.paths, func(info peer.AddrInfo) {
		s.reach.mu.Lock()
		_, member := s.reach.members[info.ID]
		s.reach.mu.Unlock()
		if member && !s.n.isClosedNet(s) {
			s.dial.add(info)
		}
	})
	if err != nil {
		return err
	}
	s.reach.lan = svc
	for _, a := range addrs {
		s.reach.lanAddrs = append(s.reach.lanAddrs, a.String())
	}
	return nil
}

// isClosedNet reports whether s has been stopped.
func (n *Node) isClosedNet(s *netState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// PeerPath says how the running network reaches the peer with this ID:
// "lan", "direct", "hole_punched" or "relayed", or "" when it is not
// connected (or the network is not started).
func (n *Node) PeerPath(id string) string {
	s, err := n.running()
	if err != nil {
		return ""
	}
	p, err := peer.Decode(id)
	if err != nil {
		return ""
	}
	return p2p.PathOf(s.h, s.reach.paths, p)
}

// LANAdvertised returns what mDNS announces about this node (its peer ID
// and these addresses), or nil when --lan is off.
func (n *Node) LANAdvertised() []string {
	s, err := n.running()
	if err != nil {
		return nil
	}
	return append([]string(nil), s.reach.lanAddrs...)
}

// parseAllow parses --relay-allow peer IDs.
func parseAllow(ids []string) (map[peer.ID]bool, error) {
	out := map[peer.ID]bool{}
	for _, s := range ids {
		p, err := peer.Decode(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%w: --relay-allow %q is not a peer ID (weft id prints one): %w", ErrInvalid, s, err)
		}
		out[p] = true
	}
	return out, nil
}

// Relaying reports whether the running network relays for its members.
func (n *Node) Relaying() bool {
	s, err := n.running()
	return err == nil && s.opts.Relay
}

// closeDHT leaves the DHT if the node joined it.
func (r *reachState) closeDHT() error {
	if r.dht == nil {
		return nil
	}
	return r.dht.Close()
}

// dhtBootstrap lists the peers to join the DHT through: known relays, and
// bootstrap and remembered peers.
func (s *netState) dhtBootstrap() []peer.AddrInfo {
	out := s.knownRelays()
	return append(out, s.dial.known()...)
}

// dhtLookup bounds one DHT lookup.
const dhtLookup = 10 * time.Second

// dhtLoop looks unconnected members up in the DHT every reachEvery,
// until the network stops.
func (s *netState) dhtLoop() {
	s.every(reachEvery, s.findInDHT)
}

// findInDHT looks every member that is not connected up in the DHT, by
// peer ID, and dials the addresses found.
func (s *netState) findInDHT() {
	if s.reach.dht == nil {
		return
	}
	for _, m := range s.unconnectedMembers() {
		ctx, cancel := context.WithTimeout(s.ctx, dhtLookup)
		info, err := s.reach.dht.FindPeer(ctx, m)
		cancel()
		if s.ctx.Err() != nil {
			return
		}
		if err != nil {
			s.n.log.Debug("look a member up in the DHT", "peer", m.String(), "err", err)
			continue
		}
		if len(info.Addrs) > 0 {
			s.dial.add(info)
		}
	}
}

// watchReachability keeps libp2p's verdict on whether this node is
// publicly reachable (forced, or AutoNAT's) until the network stops.
func (s *netState) watchReachability() {
	sub, err := s.h.EventBus().Subscribe(new(event.EvtLocalReachabilityChanged))
	if err != nil {
		return
	}
	defer sub.Close()
	for {
		select {
		case <-s.ctx.Done():
			return
		case e, ok := <-sub.Out():
			if !ok {
				return
			}
			if ev, ok := e.(event.EvtLocalReachabilityChanged); ok {
				s.reach.reachable.Store(strings.ToLower(ev.Reachability.String()))
			}
		}
	}
}
