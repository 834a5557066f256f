package node

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/joinproto"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// Joining over the network (DESIGN.md section 8): Join remembers an invite
// code as a pending join; while the network runs, the node presents it to
// members of the space over /weft/join/1 until one admits it (joinloop.go).

// ErrRefused matches a member's refusal of a join; the error's text carries
// the member's reason.
var ErrRefused = errors.New("node: join refused")

// joinTimeout bounds one join exchange, dial included.
const joinTimeout = 30 * time.Second

// pendingRecord is what the store keeps of a pending join, sealed.
type pendingRecord struct {
	Code  string `cbor:"1,keyasint"` // the invite code: a secret
	Added int64  `cbor:"2,keyasint"` // unix ms
}

// PendingJoin is a join this node has not been admitted by yet.
type PendingJoin struct {
	Space     string    `json:"space"`
	InviteID  string    `json:"invite_id"`
	Expires   time.Time `json:"expires"`
	Added     time.Time `json:"added"`
	Queued    int       `json:"queued_edits"`
	LastError string    `json:"last_error,omitempty"` // the last refusal or failure, while serving
	// Expired: the invite's expiry has passed (with joinExpiryGrace for
	// clock skew); the node no longer presents it. Cancel the join and
	// join again with a new code.
	Expired bool `json:"expired"`
}

// joinExpiryGrace is how long after an invite's expiry, by our clock, the
// node still presents it: members judge expiry by their own clocks.
const joinExpiryGrace = 15 * time.Minute

// inviteExpired reports whether c is past its expiry at now, grace included.
func inviteExpired(c *InviteCode, now time.Time) bool {
	return !c.Expires.IsZero() && now.After(c.Expires.Add(joinExpiryGrace))
}

// CancelJoin forgets the pending join of space (a space ID) and drops the
// edits queued for it, returning how many were dropped. A space that is not
// pending matches ErrNotFound.
func (n *Node) CancelJoin(ctx context.Context, space string) (int, error) {
	dropped := 0
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		rows, err := tx.PendingJoins()
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(rows, func(r store.PendingJoin) bool { return r.Space == space }) {
			return fmt.Errorf("%w: no pending join of space %q ('weft status' lists the pending joins)", ErrNotFound, space)
		}
		if err := tx.DeletePendingJoin(space); err != nil {
			return err
		}
		dropped, err = tx.DeleteQueuedEdits(space)
		return err
	})
	if err != nil {
		return 0, storeErr(err)
	}
	if s, err := n.running(); err == nil {
		s.setJoinErr(space, "")
	}
	n.log.Info("join: cancelled", "space", space, "queued_edits_dropped", dropped)
	return dropped, nil
}

// Join remembers an invite code as a pending join of its space and
// returns that space, marked pending. The node presents the code to the
// space's members over the network while it serves (and as soon as it
// starts serving). Joining a space twice replaces the code.
func (n *Node) Join(ctx context.Context, code string) (Space, error) {
	c, err := ParseInviteCode(code)
	if err != nil {
		return Space{}, err
	}
	if _, err := n.exactSpace(ctx, c.Space); err == nil {
		return Space{}, fmt.Errorf("%w: this node is already in space %s", ErrInvalid, c.Space)
	}
	b, err := cbor.Marshal(pendingRecord{Code: code, Added: n.now().UnixMilli()})
	if err != nil {
		return Space{}, fmt.Errorf("node: encode pending join: %w", err)
	}
	if err := n.db.Update(ctx, func(tx *store.Tx) error { return tx.PutPendingJoin(c.Space, b) }); err != nil {
		return Space{}, fmt.Errorf("node: remember join: %w", storeErr(err))
	}
	if s, err := n.running(); err == nil {
		s.kickJoins()
	}
	return Space{ID: c.Space, Pending: true}, nil
}

// pendingJoins reads the stored pending joins, codes parsed. A record
// that no longer parses is skipped.
func (n *Node) pendingJoins(ctx context.Context) (map[string]*InviteCode, map[string]pendingRecord, error) {
	var rows []store.PendingJoin
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		rows, err = tx.PendingJoins()
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("node: pending joins: %w", storeErr(err))
	}
	codes, recs := map[string]*InviteCode{}, map[string]pendingRecord{}
	for _, r := range rows {
		var rec pendingRecord
		if cbor.Unmarshal(r.Blob, &rec) != nil {
			continue
		}
		if c, err := ParseInviteCode(rec.Code); err == nil && c.Space == r.Space {
			codes[r.Space], recs[r.Space] = c, rec
		}
	}
	return codes, recs, nil
}

// PendingJoins lists the joins this node waits to be admitted by.
func (n *Node) PendingJoins(ctx context.Context) ([]PendingJoin, error) {
	codes, recs, err := n.pendingJoins(ctx)
	if err != nil {
		return nil, err
	}
	out := []PendingJoin{}
	for space, c := range codes {
		pj := PendingJoin{Space: space, InviteID: c.InviteID, Expires: c.Expires, Added: time.UnixMilli(recs[space].Added),
			Expired: inviteExpired(c, n.now())}
		if s, err := n.running(); err == nil {
			pj.LastError = s.joinErr(space)
		}
		pj.Queued, err = n.queuedCount(ctx, space)
		if err != nil {
			return nil, err
		}
		out = append(out, pj)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Space < out[j].Space })
	return out, nil
}

// JoinThrough presents an invite code once to the member at addr (a
// multiaddr ending in /p2p/ID), over the running network, and on
// admission records the space and its key. A refusal matches ErrRefused;
// a refused or failed exchange stores nothing.
func (n *Node) JoinThrough(ctx context.Context, code, addr string) (Space, error) {
	s, err := n.running()
	if err != nil {
		return Space{}, err
	}
	c, err := ParseInviteCode(code)
	if err != nil {
		return Space{}, err
	}
	infos, err := parsePeers([]string{addr})
	if err != nil {
		return Space{}, err
	}
	return s.joinVia(ctx, c, infos[0])
}

// joinVia dials info, runs one exchange with it and, when admitted,
// records the space, then readmits its members to gossip and pulls.
func (s *netState) joinVia(ctx context.Context, c *InviteCode, info peer.AddrInfo) (Space, error) {
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	if err := s.h.Connect(ctx, info); err != nil {
		return Space{}, fmt.Errorf("node: join: reach %s: %w", info.ID, err)
	}
	resp, err := s.ask(ctx, c, info.ID)
	if err != nil {
		return Space{}, err
	}
	sp, err := s.n.takeAdmission(ctx, c, info.ID, resp)
	if err != nil {
		return Space{}, err
	}
	s.joined(info.ID)
	return sp, nil
}

// ask runs one /weft/join/1 exchange with p.
func (s *netState) ask(ctx context.Context, c *InviteCode, p peer.ID) (*joinproto.Response, error) {
	st, err := s.h.NewStream(ctx, p, joinproto.ProtocolID)
	if err != nil {
		return nil, fmt.Errorf("node: join: open a stream to %s: %w", p, err)
	}
	defer st.Close()
	stop := context.AfterFunc(ctx, func() { st.Reset() })
	defer stop()
	n := s.n
	resp, err := joinproto.Ask(ctx, st, s.opts.IdleTimeout, func(nonce []byte) (*member.Join, error) {
		return member.NewJoin(c.invite, c.key, nonce, n.id.Public, n.x25519.PublicKey().Bytes(), n.name), nil
	})
	var ref *joinproto.RefusedError
	if errors.As(err, &ref) {
		return nil, fmt.Errorf("%w by %s: %s", ErrRefused, p, ref.Reason)
	}
	if err != nil {
		return nil, fmt.Errorf("node: join through %s: %w", p, err)
	}
	return resp, nil
}

// takeAdmission checks a member's answer and records the space: the log
// must admit this node and count the answering peer as a member, and the
// sealed key must open and belong to the log's current epoch. All of it
// is stored in one transaction, with the pending join deleted; nothing
// when any check fails.
func (n *Node) takeAdmission(ctx context.Context, c *InviteCode, from peer.ID, resp *joinproto.Response) (Space, error) {
	if resp.Space != c.Space {
		return Space{}, fmt.Errorf("%w: the member answered for another space", ErrInvalid)
	}
	log, r, err := answerLog(resp)
	if err != nil {
		return Space{}, err
	}
	admitter, err := PeerKey(from.String())
	if err != nil || !r.IsMember(admitter) || !r.IsMember(n.id.Public) {
		return Space{}, fmt.Errorf("%w: the member's log does not admit this node", ErrInvalid)
	}
	epoch := r.Epoch().ID
	if string(resp.Epoch) != string(epoch[:]) {
		return Space{}, fmt.Errorf("%w: the sealed key is not of the space's current epoch", ErrInvalid)
	}
	key, err := seal.OpenFromSender(n.x25519, epochKeyInfo(c.Space, epoch), resp.Sealed)
	if err != nil {
		return Space{}, fmt.Errorf("%w: the sealed key was not made for this node", ErrInvalid)
	}
	rec := spaceRecord{ID: c.Space, Name: orDefault(r.Name(), resp.Name), Created: resp.Created,
		Calendar: resp.Calendar, Ledger: resp.Ledger}
	err = n.update(ctx, func(tx *writeTx) error {
		return storeAdmission(tx.Tx, log, rec, epoch, key)
	})
	if err != nil {
		return Space{}, fmt.Errorf("node: record the space: %w", err)
	}
	return rec.space(), nil
}

// answerLog replays the operations of an answer.
func answerLog(resp *joinproto.Response) (*member.Log, *member.Roster, error) {
	log := member.NewLog(resp.Space)
	for _, b := range resp.Ops {
		if _, err := log.AddEncoded(b); err != nil {
			return nil, nil, fmt.Errorf("%w: the member's membership log: %w", ErrInvalid, err)
		}
	}
	r, err := log.Roster()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the member's membership log: %w", ErrInvalid, err)
	}
	return log, r, nil
}

// storeAdmission records a joined space: its log, its current key, its
// record; and forgets the pending join.
func storeAdmission(tx *store.Tx, log *member.Log, rec spaceRecord, epoch [32]byte, key []byte) error {
	if _, err := tx.Space(rec.ID); err == nil {
		return fmt.Errorf("%w: this node is already in space %s", ErrInvalid, rec.ID)
	}
	for _, op := range log.Ops() {
		if _, err := tx.AddMemberOp(rec.ID, op.ID(), op.Encode()); err != nil {
			return err
		}
	}
	if err := tx.PutEpochKey(rec.ID, hex.EncodeToString(epoch[:]), key); err != nil {
		return err
	}
	if err := putSpaceRecord(tx, rec); err != nil {
		return err
	}
	return tx.DeletePendingJoin(rec.ID)
}
