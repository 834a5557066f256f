package node

import (
	"context"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/node/latency"
)

// Redial backoff: the pause before the next dial to a peer doubles with
// each dial, from dialFirstDelay up to dialMaxDelay, and starts over once
// a connection to it has lasted dialSteady.
const (
	dialFirstDelay = time.Second
	dialMaxDelay   = 5 * time.Minute
	dialSteady     = time.Minute
	dialTimeout    = 20 * time.Second
)

// dialer keeps the node connected to its bootstrap and remembered peers,
// redialling each with backoff while it is not connected.
type dialer struct {
	s    *netState
	wake chan struct{}

	mu      sync.Mutex
	targets map[peer.ID]*dialTarget
	boot    map[peer.ID]bool
}

// dialTarget is one peer to keep connected to.
type dialTarget struct {
	addrs   []ma.Multiaddr
	delay   time.Duration // the pause after the last dial
	next    time.Time     // no dial before this
	dialing bool
	lastErr error     // what the last dial said, nil when it worked
	lastTry time.Time // when the last dial ended
}

func newDialer(s *netState, boot, remembered []peer.AddrInfo) *dialer {
	d := &dialer{s: s, wake: make(chan struct{}, 1), targets: map[peer.ID]*dialTarget{}, boot: map[peer.ID]bool{}}
	for _, info := range boot {
		d.boot[info.ID] = true
		d.add(info)
	}
	for _, info := range remembered {
		d.add(info)
	}
	return d
}

// add makes info a target, or adds to its addresses, and wakes the dialer.
func (d *dialer) add(info peer.AddrInfo) {
	d.mu.Lock()
	t := d.targets[info.ID]
	if t == nil {
		t = &dialTarget{}
		d.targets[info.ID] = t
	}
	for _, a := range info.Addrs {
		if !ma.Contains(t.addrs, a) {
			t.addrs = append(t.addrs, a)
		}
	}
	d.mu.Unlock()
	d.kick()
}

// isBootstrap reports whether p was given as a bootstrap peer.
func (d *dialer) isBootstrap(p peer.ID) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.boot[p]
}

// kick wakes the dialer without blocking.
func (d *dialer) kick() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// run dials the targets that are due until the network stops.
func (d *dialer) run() {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-d.s.ctx.Done():
			return
		case <-d.wake:
		case <-t.C:
		}
		t.Reset(d.dialDue(time.Now()))
	}
}

// dialDue starts a dial to every target that is due and not connected,
// and returns the pause until the next one is due.
func (d *dialer) dialDue(now time.Time) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	wait := dialMaxDelay
	for p, t := range d.targets {
		if d.connected(p, t, now) || t.dialing || d.s.deny.has(p) || p == d.s.h.ID() {
			continue
		}
		if now.Before(t.next) {
			wait = min(wait, t.next.Sub(now))
			continue
		}
		t.delay = min(max(2*t.delay, dialFirstDelay), dialMaxDelay)
		t.next = now.Add(t.delay)
		t.dialing = true
		info := peer.AddrInfo{ID: p, Addrs: t.addrs}
		d.s.goRun(func() { d.dial(info, t) })
		wait = min(wait, t.delay)
	}
	return wait
}

// connected reports whether p is connected, and starts its backoff over
// once a connection has lasted. d.mu must be held.
func (d *dialer) connected(p peer.ID, t *dialTarget, now time.Time) bool {
	conns := d.s.h.Network().ConnsToPeer(p)
	for _, c := range conns {
		if now.Sub(c.Stat().Opened) >= dialSteady {
			t.delay = 0
		}
	}
	return len(conns) > 0
}

// dial connects to one target and wakes the dialer when done.
func (d *dialer) dial(info peer.AddrInfo, t *dialTarget) {
	ctx, cancel := context.WithTimeout(d.s.ctx, dialTimeout)
	defer cancel()
	latency.Mark("net.dial")
	err := d.s.h.Connect(ctx, info)
	latency.Mark("net.dialed")
	if err != nil && d.s.ctx.Err() == nil {
		d.s.n.log.Info("dial peer", "peer", info.ID.String(), "err", err)
	}
	d.mu.Lock()
	t.dialing = false
	t.lastErr, t.lastTry = err, time.Now()
	d.mu.Unlock()
	d.kick()
}

// known returns every target with its addresses.
func (d *dialer) known() []peer.AddrInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]peer.AddrInfo, 0, len(d.targets))
	for p, t := range d.targets {
		out = append(out, peer.AddrInfo{ID: p, Addrs: append([]ma.Multiaddr(nil), t.addrs...)})
	}
	return out
}

// dialState is what the dialer knows of one peer, for the doctor.
type dialState struct {
	addrs   []ma.Multiaddr
	lastErr error
	lastTry time.Time
	target  bool
}

// state returns what the dialer knows of p.
func (d *dialer) state(p peer.ID) dialState {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.targets[p]
	if t == nil {
		return dialState{}
	}
	return dialState{addrs: append([]ma.Multiaddr(nil), t.addrs...), lastErr: t.lastErr, lastTry: t.lastTry, target: true}
}
