package node

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// Offline admission (DESIGN.md section 8), for people who meet only by USB
// stick: the joiner turns an invite code into a join request (JoinRequest),
// any member of the space admits it and answers with a welcome (Admit), and
// the joiner accepts the welcome (AcceptWelcome).

// Limits on the files of offline admission.
const (
	// MaxJoinRequest bounds a join request file.
	MaxJoinRequest = 16 << 10
	// MaxWelcome bounds a welcome file: a sealed key and a bundle.
	MaxWelcome = 1<<10 + 256<<20
)

// formatVersion is the version of join request and welcome files.
const formatVersion = 1

type joinRequestWire struct {
	Version uint8        `cbor:"0,keyasint"`
	Join    *member.Join `cbor:"1,keyasint"`
}

// welcomeWire is a welcome: the epoch key sealed to the joiner with HPKE,
// and a bundle of the space sealed under that key.
type welcomeWire struct {
	Version uint8  `cbor:"0,keyasint"`
	Space   string `cbor:"1,keyasint"`
	Epoch   []byte `cbor:"2,keyasint"`
	Sealed  []byte `cbor:"3,keyasint"`
	Bundle  []byte `cbor:"4,keyasint"`
}

var fileDec = func() cbor.DecMode {
	m, err := cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, IndefLength: cbor.IndefLengthForbidden,
		TagsMd: cbor.TagsForbidden, MaxNestedLevels: 8, MaxArrayElements: 64, MaxMapPairs: 32,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField}.DecMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}()

// JoinRequest turns an invite code into a join request for any member of
// the space to admit: the invite, a random nonce, this node's keys and
// display name, signed with the invite's secret key (which never leaves
// this node). It returns the request and the space's ID.
func (n *Node) JoinRequest(ctx context.Context, code string) ([]byte, string, error) {
	c, err := ParseInviteCode(code)
	if err != nil {
		return nil, "", err
	}
	if _, err := n.resolveSpace(ctx, c.Space); err == nil {
		return nil, "", fmt.Errorf("%w: this node is already in space %s", ErrInvalid, c.Space)
	}
	nonce := make([]byte, member.NonceSize)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+).
	j := member.NewJoin(c.invite, c.key, nonce, n.id.Public, n.x25519.PublicKey().Bytes(), n.name)
	if err := j.Verify(); err != nil {
		return nil, "", fmt.Errorf("%w: join request: %w", ErrInvalid, err)
	}
	b, err := cbor.Marshal(joinRequestWire{Version: formatVersion, Join: j})
	return b, c.Space, err
}

// decodeJoinRequest reads and verifies a join request on its own.
func decodeJoinRequest(b []byte) (*member.Join, error) {
	var w joinRequestWire
	if len(b) > MaxJoinRequest {
		return nil, fmt.Errorf("%w: join request of %d bytes", ErrInvalid, len(b))
	}
	if err := fileDec.Unmarshal(b, &w); err != nil || w.Version != formatVersion || w.Join == nil {
		return nil, fmt.Errorf("%w: not a weft join request (or a damaged one)", ErrInvalid)
	}
	if err := w.Join.Verify(); err != nil {
		return nil, fmt.Errorf("%w: join request: %w", ErrInvalid, err)
	}
	return w.Join, nil
}

// Admit admits the joiner of a join request into its space, which this
// node must be a member of: it appends a signed admission to the
// membership log, checks with a fresh replay that the admission is valid
// (invite signed by a steward, not expired, not used up, not revoked), and
// returns a welcome for the joiner: the current epoch key sealed to the
// joiner's key and a bundle of the space. Nothing is stored when the
// admission is refused.
func (n *Node) Admit(ctx context.Context, req []byte) ([]byte, error) {
	j, err := decodeJoinRequest(req)
	if err != nil {
		return nil, err
	}
	rec, err := n.exactSpace(ctx, j.Invite.Space)
	if err != nil {
		return nil, err
	}
	var welcome []byte
	err = n.update(ctx, func(tx *writeTx) error {
		if err := n.appendAdmission(tx.Tx, j); err != nil {
			return err
		}
		tx.admitted = append(tx.admitted, j.Joiner)
		welcome, err = n.welcome(tx.Tx, rec, j)
		return err
	})
	return welcome, err
}

// exactSpace finds a space by its exact ID.
func (n *Node) exactSpace(ctx context.Context, id string) (spaceRecord, error) {
	rec, err := n.resolveSpace(ctx, id)
	if err != nil || rec.ID != id {
		return spaceRecord{}, fmt.Errorf("%w: this node is not in space %s", ErrNotFound, id)
	}
	return rec, nil
}

// appendAdmission signs and stores the admission of j, after checking it
// against a fresh replay of the log.
func (n *Node) appendAdmission(tx *store.Tx, j *member.Join) error {
	log, err := n.spaceLog(tx, j.Invite.Space)
	if err != nil {
		return err
	}
	op := &member.Op{Space: j.Invite.Space, Kind: member.KindAdmit, Follows: log.Heads(), Time: n.now().UnixMilli(), Join: j}
	if err := op.Sign(n.id); err != nil {
		return fmt.Errorf("%w: admission: %w", ErrInvalid, err)
	}
	if err := log.Add(op); err != nil {
		return fmt.Errorf("%w: admission: %w", ErrInvalid, err)
	}
	r, err := log.Roster()
	if err != nil {
		return fmt.Errorf("%w: membership log: %w", ErrCorrupt, err)
	}
	if err := admissionRefused(r, op); err != nil {
		return err
	}
	_, err = tx.AddMemberOp(op.Space, op.ID(), op.Encode())
	return err
}

// admissionRefused returns why the replay refused op, if it did.
func admissionRefused(r *member.Roster, op *member.Op) error {
	id := op.ID()
	for _, rej := range r.Invalid() {
		if rej.OpID == id {
			return fmt.Errorf("%w: admission refused: %w", ErrInvalid, rej.Reason)
		}
	}
	if !r.IsMember(op.Join.Joiner) {
		return fmt.Errorf("%w: admission refused", ErrInvalid)
	}
	return nil
}

// welcome seals the current epoch key to the joiner and bundles the space.
func (n *Node) welcome(tx *store.Tx, rec spaceRecord, j *member.Join) ([]byte, error) {
	r, err := n.spaceRoster(tx, rec.ID)
	if err != nil {
		return nil, err
	}
	epoch := r.Epoch().ID
	key, err := epochKey(tx, rec.ID, epoch)
	if err != nil {
		return nil, err
	}
	sealed, err := seal.SealToRecipient(j.X25519, epochKeyInfo(rec.ID, epoch), key)
	if err != nil {
		return nil, fmt.Errorf("%w: joiner's key: %w", ErrInvalid, err)
	}
	var bundle bytes.Buffer
	if err := n.exportSpace(tx, rec, r, &bundle); err != nil {
		return nil, err
	}
	return cbor.Marshal(welcomeWire{Version: formatVersion, Space: rec.ID, Epoch: epoch[:], Sealed: sealed, Bundle: bundle.Bytes()})
}

// AcceptWelcome opens a welcome made for this node by Admit: it unseals the
// epoch key, imports the bundle (which must admit this node) and records
// the space. Accepting the same welcome twice changes nothing.
func (n *Node) AcceptWelcome(ctx context.Context, welcome []byte) (Space, error) {
	var w welcomeWire
	if len(welcome) > MaxWelcome {
		return Space{}, fmt.Errorf("%w: welcome of %d bytes", ErrInvalid, len(welcome))
	}
	if err := fileDec.Unmarshal(welcome, &w); err != nil || w.Version != formatVersion || len(w.Epoch) != 32 {
		return Space{}, fmt.Errorf("%w: not a weft welcome (or a damaged one)", ErrInvalid)
	}
	bk := bundleKey{space: w.Space, welcome: true}
	copy(bk.epoch[:], w.Epoch)
	key, err := seal.OpenFromSender(n.x25519, epochKeyInfo(w.Space, bk.epoch), w.Sealed)
	if err != nil {
		return Space{}, fmt.Errorf("%w: this welcome was not made for this node", ErrInvalid)
	}
	bk.key = key
	if _, err := n.importBundle(ctx, bytes.NewReader(w.Bundle), bk); err != nil {
		return Space{}, err
	}
	if err := n.db.Update(ctx, func(tx *store.Tx) error { return tx.DeletePendingJoin(w.Space) }); err != nil {
		return Space{}, storeErr(err)
	}
	n.replayQueued(ctx)
	return n.ResolveSpace(ctx, w.Space)
}

// spaceLog returns a space's stored membership log, as tx sees it, from
// the node's cache of verified logs (rostercache.go). The log is the
// caller's own copy: adding to it changes neither the cache nor the store.
func (n *Node) spaceLog(tx *store.Tx, space string) (*member.Log, error) {
	e, err := n.rosters.get(tx, space)
	if err != nil {
		return nil, err
	}
	return e.log.Clone(), nil
}

// spaceRoster returns the roster of a space's stored membership log, as tx
// sees it, replaying the log only when it changed since the last call. The
// roster is shared and immutable.
func (n *Node) spaceRoster(tx *store.Tx, space string) (*member.Roster, error) {
	e, err := n.rosters.get(tx, space)
	if err != nil {
		return nil, err
	}
	r, err := n.rosters.roster(e)
	if errors.Is(err, member.ErrNoCreate) {
		return nil, fmt.Errorf("%w: no membership log for space %s", ErrNotFound, space)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: membership log of %s: %w", ErrCorrupt, space, err)
	}
	return r, nil
}

// epochKey is the stored key of one of a space's epochs.
func epochKey(tx *store.Tx, space string, epoch [32]byte) ([]byte, error) {
	keys, err := tx.EpochKeys(space)
	if err != nil {
		return nil, err
	}
	name := hex.EncodeToString(epoch[:])
	for _, k := range keys {
		if k.Epoch == name {
			return k.Key, nil
		}
	}
	return nil, fmt.Errorf("%w: this node does not hold the current key of space %s", ErrNotFound, space)
}
