package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/joinproto"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// JoinAttemptsPerMinute is how many /weft/join/1 exchanges a member
// serves one remote peer in any minute; further streams are reset. Honest
// joiners retry with backoff and need one or two.
const JoinAttemptsPerMinute = 10

const (
	joinBurst   = JoinAttemptsPerMinute
	joinWindow  = time.Minute
	maxJoinRate = 4096 // peers tracked before every window is dropped
	// maxJoinsServed bounds the exchanges served at once, all peers
	// together: each may write to the store.
	maxJoinsServed = 4
)

// joinLimiter counts each peer's join attempts in a sliding window.
type joinLimiter struct {
	mu   sync.Mutex
	seen map[peer.ID][]time.Time
}

// allow records an attempt by p at now and reports whether it is within
// the limit.
func (l *joinLimiter) allow(p peer.ID, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil || len(l.seen) > maxJoinRate {
		l.seen = map[peer.ID][]time.Time{}
	}
	recent := l.seen[p][:0]
	for _, t := range l.seen[p] {
		if now.Sub(t) < joinWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= joinBurst {
		l.seen[p] = recent
		return false
	}
	l.seen[p] = append(recent, now)
	return true
}

// handleJoin serves one /weft/join/1 exchange on a goroutine the network
// owns.
func (s *netState) handleJoin(st network.Stream) {
	if !s.goRun(func() { s.serveJoin(st) }) {
		st.Reset()
	}
}

// serveJoin serves one exchange within the limits: the joiner's proof must
// sign our nonce, the joiner must be the peer on the stream, and the
// admission must replay as valid. After a new admission it readmits the
// joiner to gossip once the joiner has read the answer.
func (s *netState) serveJoin(st network.Stream) {
	defer st.Close()
	stop := context.AfterFunc(s.ctx, func() { st.Reset() })
	defer stop()
	remote := st.Conn().RemotePeer()
	if !s.join.rate.allow(remote, time.Now()) || !s.join.take() {
		s.n.log.Info("join: over the limits", "peer", remote.String())
		st.Reset()
		return
	}
	var refusal string
	var fresh bool
	j, err := joinproto.Serve(s.ctx, st, s.opts.IdleTimeout, func(ctx context.Context, j *member.Join) *joinproto.Response {
		var resp *joinproto.Response
		resp, fresh = s.n.admitOnline(ctx, remote, j)
		refusal = resp.Refused
		return resp
	})
	s.join.release()
	if err != nil || j == nil {
		s.n.log.Info("join: refused or failed", "peer", remote.String(), "reason", refusal, "err", err)
		return
	}
	s.n.log.Info("join: admitted", "peer", remote.String(), "space", j.Invite.Space, "again", !fresh)
	if fresh { // an answer given again follows a readmission already made
		s.waitJoinerDone(st)
		s.readmitSoon([]peer.ID{remote})
	}
}

// take reserves one of the maxJoinsServed slots, without waiting.
func (j *joinState) take() bool {
	select {
	case j.busy <- struct{}{}:
		return true
	default:
		return false
	}
}

// release returns a slot take reserved.
func (j *joinState) release() { <-j.busy }

// admitOnline decides on a join presented by remote over the network:
// the welcome, or a refusal saying why, and whether it admitted the joiner
// now (not again). Nothing is stored on refusal.
func (n *Node) admitOnline(ctx context.Context, remote peer.ID, j *member.Join) (*joinproto.Response, bool) {
	key, err := PeerKey(remote.String())
	if err != nil || !bytes.Equal(key, j.Joiner) {
		return joinproto.Refusal("the join names another key than the peer presenting it"), false
	}
	rec, err := n.exactSpace(ctx, j.Invite.Space)
	if err != nil {
		return joinproto.Refusal("this peer is not a member of that space"), false
	}
	var resp *joinproto.Response
	var fresh bool
	err = n.update(ctx, func(tx *writeTx) error {
		resp, fresh, err = n.admitOrRewelcome(tx.Tx, rec, j)
		return err
	})
	if err != nil {
		return joinproto.Refusal(refusalReason(err)), false
	}
	return resp, fresh
}

// admitOrRewelcome appends the admission of j and answers with the space,
// or, when j's joiner is already a member admitted by this same invite
// (an answer lost on the way), answers again without appending. It
// reports whether it appended.
func (n *Node) admitOrRewelcome(tx *store.Tx, rec spaceRecord, j *member.Join) (*joinproto.Response, bool, error) {
	r, err := n.spaceRoster(tx, rec.ID)
	if err != nil {
		return nil, false, err
	}
	m, ok := r.Member(j.Joiner)
	if !ok {
		if err := n.appendAdmission(tx, j); err != nil {
			return nil, false, err
		}
		resp, err := n.onlineWelcome(tx, rec, j.X25519)
		return resp, true, err
	}
	if !n.admittedBy(tx, rec.ID, m.OpID, j.Invite.InviteID) {
		return nil, false, fmt.Errorf("%w: %w", ErrInvalid, member.ErrAlreadyMember)
	}
	resp, err := n.onlineWelcome(tx, rec, m.X25519)
	return resp, false, err
}

// admittedBy reports whether the admission opID used invite inviteID.
func (n *Node) admittedBy(tx *store.Tx, space string, opID [32]byte, inviteID string) bool {
	log, err := n.spaceLog(tx, space)
	if err != nil {
		return false
	}
	for _, op := range log.Ops() {
		if op.ID() == opID {
			return op.Kind == member.KindAdmit && op.Join.Invite.InviteID == inviteID
		}
	}
	return false
}

// onlineWelcome is the answer to an admitted joiner: the current epoch key
// sealed to its X25519 key, and the membership log.
func (n *Node) onlineWelcome(tx *store.Tx, rec spaceRecord, x25519 []byte) (*joinproto.Response, error) {
	log, err := n.spaceLog(tx, rec.ID)
	if err != nil {
		return nil, err
	}
	r, err := log.Roster()
	if err != nil {
		return nil, fmt.Errorf("%w: membership log: %w", ErrCorrupt, err)
	}
	epoch := r.Epoch().ID
	key, err := epochKey(tx, rec.ID, epoch)
	if err != nil {
		return nil, err
	}
	sealed, err := seal.SealToRecipient(x25519, epochKeyInfo(rec.ID, epoch), key)
	if err != nil {
		return nil, fmt.Errorf("%w: joiner's key: %w", ErrInvalid, err)
	}
	resp := &joinproto.Response{Version: joinproto.Version, Space: rec.ID, Name: orDefault(r.Name(), rec.Name),
		Created: rec.Created, Calendar: rec.Calendar, Ledger: rec.Ledger, Epoch: epoch[:], Sealed: sealed}
	for _, op := range log.Ops() {
		resp.Ops = append(resp.Ops, op.Encode())
	}
	return resp, nil
}

// refusalReason is what a joiner is told of err: the membership rule that
// refused it, never the store's inner workings.
func refusalReason(err error) string {
	for _, known := range []error{member.ErrInviteExpired, member.ErrInviteOverused, member.ErrInviteRevoked,
		member.ErrNotSteward, member.ErrAlreadyMember, member.ErrProofReplayed, member.ErrTimeTooEarly,
		member.ErrBadSignature, member.ErrInviteNotFor, member.ErrNotMember} {
		if errors.Is(err, known) {
			return known.Error()
		}
	}
	if errors.Is(err, ErrInvalid) {
		return "the admission does not replay as valid"
	}
	return "the member could not admit now; try again later"
}

// waitJoinerDone waits, at most an idle timeout, for the joiner to close
// its side of st: readmitting it closes the connection, which must not cut
// the answer it is still reading.
func (s *netState) waitJoinerDone(st network.Stream) {
	idle := s.opts.IdleTimeout
	if idle <= 0 {
		idle = joinproto.IdleTimeout
	}
	if err := st.CloseWrite(); err != nil {
		return
	}
	_ = st.SetReadDeadline(time.Now().Add(idle))
	_, _ = io.Copy(io.Discard, io.LimitReader(st, 1<<10))
}
