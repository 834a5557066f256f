package node

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/replicate"
)

// peerPulls serialises the pulls from one peer: one runs at a time (sem),
// and at most one more waits behind it (queued), which catches whatever
// arrived during the running one.
type peerPulls struct {
	sem    chan struct{}
	queued bool
}

// pulls returns p's pull state, made on first use. s.mu must be held.
func (s *netState) pulls(p peer.ID) *peerPulls {
	pp := s.peers[p]
	if pp == nil {
		pp = &peerPulls{sem: make(chan struct{}, 1)}
		s.peers[p] = pp
	}
	return pp
}

// pullSoon queues a pull from p on a goroutine of the network, unless one
// is queued already. It never blocks: libp2p's notifications call it.
func (s *netState) pullSoon(p peer.ID) {
	s.mu.Lock()
	pp := s.pulls(p)
	if pp.queued || s.closed {
		s.mu.Unlock()
		return
	}
	pp.queued = true
	s.mu.Unlock()
	s.goRun(func() {
		err := s.pullFrom(s.ctx, p, func() {
			s.mu.Lock()
			pp.queued = false
			s.mu.Unlock()
		})
		if err != nil && s.ctx.Err() == nil {
			s.n.log.Info("pull from peer", "peer", p.String(), "err", err)
		}
	})
}

// pullFrom waits for p's turn, calls started, pulls once, and remembers
// the peer and what the pull did.
func (s *netState) pullFrom(ctx context.Context, p peer.ID, started func()) error {
	s.mu.Lock()
	pp := s.pulls(p)
	s.mu.Unlock()
	select {
	case pp.sem <- struct{}{}:
	case <-ctx.Done():
		started()
		return ctx.Err()
	}
	defer func() { <-pp.sem }()
	latency.Mark("pull.turn")
	started()
	// A relayed connection may be all there is: sync runs over it even
	// when the relay limits it.
	ctx = network.WithAllowLimitedConn(ctx, "weft sync")
	rep, err := s.sync.Pull(ctx, p)
	s.took(ctx, p, &rep, err)
	if err == nil && len(rep.Unserved) > 0 {
		// p did not serve spaces our roster lists it in: it may not have
		// seen our admission, so ask again with our membership log as a
		// proof (proof.go).
		proved, perr := s.sync.PullProving(ctx, p, rep.Unserved)
		if proved.BytesOut > 0 || perr != nil {
			s.took(ctx, p, &proved, perr)
		}
		if perr != nil && ctx.Err() == nil {
			s.n.log.Info("prove membership to a peer", "peer", p.String(), "err", perr)
		}
	}
	return err
}

// rememberTimeout bounds the write that remembers a peer after a pull,
// which outlives the pull's context (took).
const rememberTimeout = 10 * time.Second

// took remembers the peer and what one pull from it did, and follows up
// on what arrived. The peer is remembered even when the network is
// stopping: what the pull committed stays, so the peer it came from must
// stay known, or a node closed just after its first pull would have no
// peer to dial when it starts again. Stop waits for this write.
func (s *netState) took(ctx context.Context, p peer.ID, rep *replicate.Report, err error) {
	s.pulled(p, rep)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rememberTimeout)
	rerr := s.remember(rctx, p, rep, err)
	cancel()
	if rerr != nil {
		s.n.log.Warn("remember peer", "peer", p.String(), "err", rerr)
	}
	if rep.Ingested().Refused > 0 {
		s.refreshDeny()
	}
	if rep.Ingested().Stored > 0 {
		s.n.replayQueued(ctx) // edits queued before the space's documents arrived
	}
}

// SyncNow pulls from every connected peer at once and waits for the
// pulls. It returns the errors of those that failed, joined.
func (n *Node) SyncNow(ctx context.Context) error {
	s, err := n.running()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	peers := s.h.Network().Peers()
	errs := make([]error, len(peers))
	done := make(chan struct{}, len(peers))
	for i, p := range peers {
		started := s.goRun(func() {
			defer func() { done <- struct{}{} }()
			if err := s.pullFrom(ctx, p, func() {}); err != nil {
				errs[i] = fmt.Errorf("node: pull from %s: %w", p, err)
			}
		})
		if !started {
			return ErrNotServing
		}
	}
	for range peers {
		<-done
	}
	return errors.Join(errs...)
}

// tick pulls from every connected peer after each jittered pause, until
// the network stops.
func (s *netState) tick() {
	t := time.NewTimer(jitter(s.opts.SyncEvery))
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.refreshDeny()
		for _, p := range s.h.Network().Peers() {
			s.pullSoon(p)
		}
		t.Reset(jitter(s.opts.SyncEvery))
	}
}

// jitter returns a pause between half of d and d, so that peers' timers
// drift apart.
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}

// refreshDeny rereads the quarantine list and closes the connections to
// the peers it now names.
func (s *netState) refreshDeny() {
	if err := s.deny.refresh(s.ctx, s.n); err != nil {
		if s.ctx.Err() == nil {
			s.n.log.Warn("read the quarantine list", "err", err)
		}
		return
	}
	for _, p := range s.h.Network().Peers() {
		if s.refuses(p) {
			s.h.Network().ClosePeer(p)
		}
	}
}

// refuses reports whether the connection gater refuses p: a quarantined
// author, or a peer a test's partition cuts off.
func (s *netState) refuses(p peer.ID) bool {
	if cut := s.nemesis.Load(); cut != nil && (*cut)(p) {
		return true
	}
	return s.deny.has(p)
}

// summary is what the store remembers of a pull.
func summary(rep *replicate.Report, err error, now time.Time) *pullSummary {
	in := rep.Ingested()
	ps := &pullSummary{Time: now.UnixMilli(), Complete: rep.Complete && err == nil,
		Received: rep.Received(), Stored: in.Stored, Refused: in.Refused}
	if err != nil {
		ps.Err = err.Error()
	}
	return ps
}
