package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/p2p"
	"github.com/weftsync/weft/node/replicate"
)

// ErrNotServing matches the error of a network call on a node whose
// network was not started (or is closed).
var ErrNotServing = errors.New("node: network not started")

// DefaultSyncEvery is the longest pause between two timed pulls from a
// connected peer; each pause is jittered between half of it and all of it.
const DefaultSyncEvery = 30 * time.Second

// NetOptions configure a node's network. The zero value listens on
// p2p.DefaultListen and dials only remembered peers.
type NetOptions struct {
	// Listen lists the multiaddrs to listen on (default p2p.DefaultListen()).
	Listen []string
	// Peers lists bootstrap peers as multiaddrs ending in /p2p/ID. They
	// are dialled (and redialled with backoff) while not connected, and
	// remembered once reached.
	Peers []string
	// SyncEvery is the longest pause between timed pulls (default
	// DefaultSyncEvery).
	SyncEvery time.Duration
	// IdleTimeout is how long a sync stream may make no progress
	// (default replicate.IdleTimeout).
	IdleTimeout time.Duration
	// SyncQuota and GossipQuota bound what one peer (and, for gossip, one
	// attesting member) may cost this node; zero fields take the packages'
	// defaults (replicate.DefaultQuota, gossip.DefaultQuota).
	SyncQuota   replicate.Quota
	GossipQuota gossip.Quota
	// LAN announces the node with mDNS and dials the members found so.
	LAN bool
	// Relay runs a circuit relay for the members of our spaces and the
	// peers in RelayAllow (peer IDs), never for anyone else.
	Relay      bool
	RelayAllow []string
	// NoHolePunch turns hole punching off.
	NoHolePunch bool
	// DHT joins weft's private DHT (a server when Relay is set) and looks
	// members up in it by peer ID.
	DHT bool
}

func (o *NetOptions) defaults() {
	if o.SyncEvery <= 0 {
		o.SyncEvery = DefaultSyncEvery
	}
}

// netState is a started network: the host, the Syncer and the goroutines
// that pull and dial. Start makes it; stopNet ends it.
type netState struct {
	n      *Node
	opts   NetOptions
	h      host.Host
	sync   *replicate.Syncer
	gossip *gossip.Gossip
	kick   chan struct{}   // wakes the publisher after a local commit
	fresh  *freshQueue     // local changes committed, for the publisher (publishqueue.go)
	ctx    context.Context // the network's root context, cancelled by stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the network started
	deny   denySet
	dial   *dialer
	reach  reachState
	join   *joinState // admission over the network (joinloop.go)
	known  peerKnown  // what each peer holds, as far as we know
	// nemesis, when set (by tests only, through export_test.go), names
	// more peers for the gater to refuse: a partition.
	nemesis atomic.Pointer[func(peer.ID) bool]

	mu     sync.Mutex
	closed bool
	peers  map[peer.ID]*peerPulls
}

// Start starts the node's network: a libp2p host with the node's identity,
// weft's sync protocol over the store, pulls on every new connection and
// on a jittered timer, and dials to the bootstrap and remembered peers.
// ctx bounds the start only; Close stops the network. A port in use fails
// with an error matching p2p.ErrPortInUse.
func (n *Node) Start(ctx context.Context, o NetOptions) error {
	o.defaults()
	n.netMu.Lock()
	defer n.netMu.Unlock()
	if n.net != nil {
		return fmt.Errorf("node: network already started")
	}
	boot, err := parsePeers(o.Peers)
	if err != nil {
		return err
	}
	remembered, err := n.rememberedPeers(ctx)
	if err != nil {
		return err
	}
	s, err := n.startNet(ctx, o, boot, remembered)
	if err != nil {
		return err
	}
	s.goRun(s.dial.run)
	s.goRun(s.tick)
	s.goRun(s.publish)
	s.goRun(s.checker)
	s.goRun(s.reachLoop)
	s.goRun(s.limitedTick)
	s.goRun(s.watchReachability)
	s.goRun(s.warmEngine) // the engine's process starts while the node dials (enginewarm.go)
	if s.reach.dht != nil {
		s.goRun(s.dhtLoop)
	}
	s.startJoins(ctx)
	n.net = s
	latency.Mark("net.started")
	return nil
}

// startNet builds the host, the Syncer and the dialer, and starts
// listening for connections.
func (n *Node) startNet(ctx context.Context, o NetOptions, boot, remembered []peer.AddrInfo) (*netState, error) {
	s := &netState{n: n, opts: o, peers: map[peer.ID]*peerPulls{}}
	s.reach.paths, s.reach.ready = p2p.NewPaths(), make(chan struct{})
	if err := s.deny.refresh(ctx, n); err != nil {
		return nil, err
	}
	allow, err := parseAllow(o.RelayAllow)
	if err != nil {
		return nil, err
	}
	s.reach.relayAllow = allow
	if err := s.refreshReach(ctx); err != nil {
		return nil, err
	}
	cfg := p2p.Config{Key: n.id.Private, Listen: o.Listen, Deny: s.refuses, Logger: n.log,
		Paths: s.reach.paths, NoHolePunch: o.NoHolePunch, Relays: s.relayCandidates}
	if o.Relay {
		cfg.Relay = &p2p.RelayConfig{Allow: s.reach.allowed, Refused: s.relayRefused}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	h, err := p2p.New(cfg)
	if err != nil {
		s.cancel()
		return nil, fmt.Errorf("node: start network: %w", err)
	}
	s.h = h
	latency.Mark("net.host")
	ro := replicate.Options{Logger: n.log, Idle: o.IdleTimeout, Quota: o.SyncQuota, OnServed: s.served}
	if n.syncOptions != nil {
		n.syncOptions(&ro)
	}
	s.sync = replicate.New(h, n.SyncLocal(), ro)
	if err := s.startGossip(); err != nil {
		s.cancel()
		return nil, errors.Join(fmt.Errorf("node: start gossip: %w", err), s.sync.Close(), h.Close())
	}
	s.dial = newDialer(s, boot, remembered)
	close(s.reach.ready)
	if o.DHT {
		if s.reach.dht, err = p2p.StartDHT(h, o.Relay, s.dhtBootstrap); err != nil {
			s.cancel()
			return nil, errors.Join(err, s.gossip.Close(), s.sync.Close(), h.Close())
		}
	}
	if o.LAN {
		if err := s.startLAN(); err != nil {
			s.cancel()
			return nil, errors.Join(fmt.Errorf("node: start LAN discovery: %w", err), s.reach.closeDHT(), s.gossip.Close(), s.sync.Close(), h.Close())
		}
	}
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF: func(_ network.Network, c network.Conn) {
			latency.Mark("net.connected")
			s.pullSoon(c.RemotePeer())
		},
		DisconnectedF: func(network.Network, network.Conn) { s.dial.kick() },
	})
	return s, nil
}

// goRun runs fn on a goroutine the network owns, unless it is stopping.
// every calls fn after each period d until the network stops; it runs on
// the caller's goroutine.
func (s *netState) every(d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		fn()
	}
}

func (s *netState) goRun(fn func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
	return true
}

// stop ends every pull and dial, closes the host and waits for every
// goroutine the network started.
func (s *netState) stop() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	var err error
	if s.reach.lan != nil {
		err = s.reach.lan.Close()
	}
	err = errors.Join(err, s.reach.closeDHT())
	err = errors.Join(err, s.gossip.Close(), s.sync.Close())
	err = errors.Join(err, s.h.Close())
	s.wg.Wait()
	return err
}

// stopNet stops the network if it runs. Close calls it first.
func (n *Node) stopNet() error {
	n.netMu.Lock()
	s := n.net
	n.net = nil
	n.netMu.Unlock()
	if s == nil {
		return nil
	}
	return s.stop()
}

// running returns the started network, or ErrNotServing.
func (n *Node) running() (*netState, error) {
	n.netMu.Lock()
	defer n.netMu.Unlock()
	if n.net == nil {
		return nil, ErrNotServing
	}
	return n.net, nil
}

// Addrs returns the addresses the node listens on, each ending in
// /p2p/ID, or nil when the network is not started.
func (n *Node) Addrs() []string {
	s, err := n.running()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range s.h.Addrs() {
		out = append(out, a.String()+"/p2p/"+s.h.ID().String())
	}
	return out
}

// ConnectedPeers returns the peer IDs the node holds connections to,
// sorted, or nil when the network is not started.
func (n *Node) ConnectedPeers() []string {
	s, err := n.running()
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range s.h.Network().Peers() {
		out = append(out, p.String())
	}
	slices.Sort(out)
	return out
}
