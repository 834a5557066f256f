package node

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/joinproto"
)

// Pending joins are retried with backoff: from joinFirstDelay, doubling up
// to joinMaxDelay, starting over when a new join is added.
const (
	joinFirstDelay = 2 * time.Second
	joinMaxDelay   = 2 * time.Minute
	joinDialLimit  = 32 // candidate members tried per pending join per round
)

// joinState is the network's part in admission: the limiter of the join
// attempts it serves, and the loop that presents our pending joins.
type joinState struct {
	rate joinLimiter
	busy chan struct{} // one token per exchange being served
	kick chan struct{}

	mu   sync.Mutex
	errs map[string]string // space -> the last refusal or failure
}

func newJoinState() *joinState {
	return &joinState{busy: make(chan struct{}, maxJoinsServed), kick: make(chan struct{}, 1), errs: map[string]string{}}
}

// kickJoins wakes the join loop without blocking.
func (s *netState) kickJoins() {
	select {
	case s.join.kick <- struct{}{}:
	default:
	}
}

// joinErr is the last refusal or failure of space's pending join.
func (s *netState) joinErr(space string) string {
	s.join.mu.Lock()
	defer s.join.mu.Unlock()
	return s.join.errs[space]
}

func (s *netState) setJoinErr(space, msg string) {
	s.join.mu.Lock()
	defer s.join.mu.Unlock()
	if msg == "" {
		delete(s.join.errs, space)
		return
	}
	s.join.errs[space] = msg
}

// joinLoop presents the pending joins until none is left or the network
// stops; woken at once by a new join.
func (s *netState) joinLoop() {
	t := time.NewTimer(0)
	defer t.Stop()
	delay := joinFirstDelay
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.join.kick:
			delay = joinFirstDelay
		case <-t.C:
		}
		if s.tryJoins(s.ctx) {
			t.Reset(jitter(delay))
			delay = min(2*delay, joinMaxDelay)
		} else {
			t.Reset(joinMaxDelay)
		}
	}
}

// tryJoins presents each pending join to its candidates in turn until one
// admits it, and reports whether any is still pending.
func (s *netState) tryJoins(ctx context.Context) bool {
	codes, _, err := s.n.pendingJoins(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.n.log.Warn("join: read the pending joins", "err", err)
		}
		return true
	}
	left := false
	for space, c := range codes {
		if ctx.Err() != nil {
			return true
		}
		if inviteExpired(c, s.n.now()) {
			s.setJoinErr(space, fmt.Sprintf("the invite expired at %s: ask a member for a new invite code, then run 'weft join --cancel %s' and join with the new code",
				c.Expires.UTC().Format(time.RFC3339), space))
			continue // not presented again, nor counted as left
		}
		if !s.tryJoin(ctx, c) {
			left = true
			continue
		}
		s.n.log.Info("join: admitted", "space", space)
		s.setJoinErr(space, "")
	}
	return left
}

// tryJoin presents c to each candidate until one admits this node.
func (s *netState) tryJoin(ctx context.Context, c *InviteCode) bool {
	for _, info := range s.joinCandidates(ctx, c) {
		_, err := s.joinVia(ctx, c, info)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		s.setJoinErr(c.Space, err.Error())
		s.n.log.Info("join: not admitted", "space", c.Space, "peer", info.ID.String(), "err", err)
	}
	return false
}

// joinCandidates lists who may admit us: the invite's addresses first,
// then connected and remembered peers, each once, never ourselves.
func (s *netState) joinCandidates(ctx context.Context, c *InviteCode) []peer.AddrInfo {
	var out []peer.AddrInfo
	seen := map[peer.ID]int{s.h.ID(): -1}
	add := func(info peer.AddrInfo) {
		if i, ok := seen[info.ID]; ok {
			if i >= 0 {
				out[i].Addrs = append(out[i].Addrs, info.Addrs...)
			}
			return
		}
		seen[info.ID] = len(out)
		out = append(out, info)
	}
	for _, a := range c.Addrs {
		if infos, err := parsePeers([]string{a}); err == nil {
			add(infos[0])
		}
	}
	for _, p := range s.h.Network().Peers() {
		add(peer.AddrInfo{ID: p})
	}
	if remembered, err := s.n.rememberedPeers(ctx); err == nil {
		for _, info := range remembered {
			add(info)
		}
	}
	if len(out) > joinDialLimit {
		out = out[:joinDialLimit]
	}
	return out
}

// joined follows an admission through admitter: gossip takes in the
// space's members we are connected to, the admitter is kept connected,
// and its documents are pulled.
func (s *netState) joined(admitter peer.ID) {
	s.dial.add(peer.AddrInfo{ID: admitter, Addrs: s.h.Peerstore().Addrs(admitter)})
	s.readmitSoon(s.h.Network().Peers())
	s.pullSoon(admitter)
}

// startJoins serves /weft/join/1, remembers our listen addresses for
// invite codes made while no daemon runs, and starts presenting our
// pending joins and replaying queued edits.
func (s *netState) startJoins(ctx context.Context) {
	s.join = newJoinState()
	s.h.SetStreamHandler(joinproto.ProtocolID, s.handleJoin)
	if err := s.n.rememberAddrs(ctx, s.n.addrsOf(s)); err != nil {
		s.n.log.Warn("remember listen addresses", "err", err)
	}
	s.goRun(s.joinLoop)
	s.goRun(func() { s.n.replayQueued(s.ctx) })
}
