package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base32"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/store"
)

// InviteOptions shape an invite. The zero value invites one member for 72
// hours.
type InviteOptions struct {
	Role    string        // "member" (default) or "steward"
	Expires time.Duration // how long the code admits (default 72h)
	Uses    int           // how many people it admits (default 1)
	For     string        // a peer ID: only that key may join (optional)
}

// Invitation is an invite code made by Invite. Code is a secret: whoever
// holds it can join until it expires or is used up.
type Invitation struct {
	Code     string    `json:"code"`
	InviteID string    `json:"invite_id"`
	Expires  time.Time `json:"expires"`
	Addrs    []string  `json:"addrs"` // where the code says to find this node
}

// InviteCode is a parsed invite code: a steward's signed token and the
// secret half of its invite key. It never carries a space key.
type InviteCode struct {
	Space    string
	InviteID string
	Role     string
	Expires  time.Time
	Uses     int
	Addrs    []string // the inviter's addresses, if it gave any
	invite   *member.Invite
	key      ed25519.PrivateKey
}

// Invite code format: inviteCodePrefix, then lowercase unpadded base32 of
// the CBOR of inviteCodeWire.
const (
	inviteCodePrefix = "weft1-"
	// MaxInviteCodeLen bounds an invite code, in characters.
	MaxInviteCodeLen = 4096
	defaultExpires   = 72 * time.Hour
	maxInviteAddrs   = 16
)

type inviteCodeWire struct {
	Token []byte   `cbor:"1,keyasint"` // the signed invite (member.Invite.Encode)
	Seed  []byte   `cbor:"2,keyasint"` // the invite key's secret half
	Addrs []string `cbor:"3,keyasint,omitempty"`
}

var codeEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

var codeDec = func() cbor.DecMode {
	m, err := cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, IndefLength: cbor.IndefLengthForbidden,
		TagsMd: cbor.TagsForbidden, MaxNestedLevels: 4, MaxArrayElements: maxInviteAddrs, MaxMapPairs: 16,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField}.DecMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}()

// Invite makes an invite code for sp. Only a steward may invite.
func (n *Node) Invite(ctx context.Context, sp Space, o InviteOptions) (Invitation, error) {
	role, forKey, err := o.check()
	if err != nil {
		return Invitation{}, err
	}
	if err := n.needSteward(ctx, sp); err != nil {
		return Invitation{}, err
	}
	expires := n.now().Add(o.Expires)
	inv, key, err := member.NewInvite(n.id, sp.ID, role, expires.UnixMilli(), o.Uses, forKey)
	if err != nil {
		return Invitation{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	addrs, err := n.inviteAddrs(ctx)
	if err != nil {
		return Invitation{}, err
	}
	code, err := encodeInviteCode(inv, key, addrs)
	return Invitation{Code: code, InviteID: inv.InviteID, Expires: expires, Addrs: addrs}, err
}

// inviteAddrs are the addresses an invite code carries: where the network
// listens now, else where it last listened.
func (n *Node) inviteAddrs(ctx context.Context) ([]string, error) {
	if addrs := n.Addrs(); len(addrs) > 0 {
		return capAddrs(addrs), nil
	}
	var addrs []string
	err := n.db.View(ctx, func(tx *store.Tx) error {
		b, err := tx.SelfAddrs()
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if cbor.Unmarshal(b, &addrs) != nil {
			addrs = nil // only costs the joiner a hint
		}
		return nil
	})
	return capAddrs(addrs), storeErr(err)
}

// capAddrs keeps the addresses an invite code may carry.
func capAddrs(addrs []string) []string {
	var out []string
	for _, a := range addrs {
		if a != "" && len(a) <= member.MaxRelayLen && len(out) < maxInviteAddrs {
			out = append(out, a)
		}
	}
	return out
}

// rememberAddrs stores the addresses the network listens on.
func (n *Node) rememberAddrs(ctx context.Context, addrs []string) error {
	b, err := cbor.Marshal(capAddrs(addrs))
	if err != nil {
		return fmt.Errorf("node: encode addresses: %w", err)
	}
	return storeErr(n.db.Update(ctx, func(tx *store.Tx) error { return tx.PutSelfAddrs(b) }))
}

// addrsOf lists s's listen addresses, each ending in /p2p/ID.
func (n *Node) addrsOf(s *netState) []string {
	var out []string
	for _, a := range s.h.Addrs() {
		out = append(out, a.String()+"/p2p/"+s.h.ID().String())
	}
	return out
}

// RevokeInvite appends a steward's revocation of an invite to sp's
// membership log: from then on (causally) no member admits anyone with it.
// Admissions it already made stand.
func (n *Node) RevokeInvite(ctx context.Context, sp Space, inviteID string) error {
	if err := n.needSteward(ctx, sp); err != nil {
		return err
	}
	return n.update(ctx, func(tx *writeTx) error {
		log, err := n.spaceLog(tx.Tx, sp.ID)
		if err != nil {
			return err
		}
		op := &member.Op{Space: sp.ID, Kind: member.KindRevokeInvite, Follows: log.Heads(), Time: n.now().UnixMilli(), InviteID: inviteID}
		if err := op.Sign(n.id); err != nil {
			return fmt.Errorf("%w: invite ID %q: %w", ErrInvalid, inviteID, err)
		}
		if err := log.Add(op); err != nil {
			return fmt.Errorf("%w: revocation: %w", ErrInvalid, err)
		}
		if _, err := log.Roster(); err != nil {
			return fmt.Errorf("%w: revocation: %w", ErrInvalid, err)
		}
		_, err = tx.AddMemberOp(sp.ID, op.ID(), op.Encode())
		return err
	})
}

// check applies the defaults and validates o.
func (o *InviteOptions) check() (member.Role, ed25519.PublicKey, error) {
	if o.Expires == 0 {
		o.Expires = defaultExpires
	}
	if o.Uses == 0 {
		o.Uses = 1
	}
	role := member.Role(orDefault(o.Role, roleMember))
	switch {
	case !role.Valid():
		return "", nil, fmt.Errorf("%w: role %q (want member or steward)", ErrInvalid, o.Role)
	case o.Expires < 0:
		return "", nil, fmt.Errorf("%w: an invite cannot expire in the past", ErrInvalid)
	case o.Uses < 1 || o.Uses > member.MaxInviteUses:
		return "", nil, fmt.Errorf("%w: uses %d (1 to %d)", ErrInvalid, o.Uses, member.MaxInviteUses)
	}
	if o.For == "" {
		return role, nil, nil
	}
	k, err := PeerKey(o.For)
	return role, k, err
}

// needSteward fails unless this node is a steward of sp.
func (n *Node) needSteward(ctx context.Context, sp Space) error {
	return storeErr(n.db.View(ctx, func(tx *store.Tx) error {
		r, err := n.spaceRoster(tx, sp.ID)
		if err != nil {
			return err
		}
		if r.Role(n.id.Public) != member.RoleSteward {
			return fmt.Errorf("%w: only a steward of %s can invite; ask one of its stewards", ErrInvalid, sp.Name)
		}
		return nil
	}))
}

func encodeInviteCode(inv *member.Invite, key ed25519.PrivateKey, addrs []string) (string, error) {
	b, err := cbor.Marshal(inviteCodeWire{Token: inv.Encode(), Seed: key.Seed(), Addrs: addrs})
	if err != nil {
		return "", fmt.Errorf("node: encode invite code: %w", err)
	}
	return inviteCodePrefix + codeEncoding.EncodeToString(b), nil
}

// ParseInviteCode reads an invite code: its shape, the steward's signature
// on the token, and that the secret matches the token's invite key.
// Whether the signer is a steward, and expiry and uses, are checked when a
// member admits the joiner.
func ParseInviteCode(s string) (*InviteCode, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxInviteCodeLen {
		return nil, fmt.Errorf("%w: invite code of %d characters", ErrInvalid, len(s))
	}
	rest, ok := strings.CutPrefix(strings.ToLower(s), inviteCodePrefix)
	if !ok {
		return nil, fmt.Errorf("%w: not a weft invite code (it starts %q)", ErrInvalid, inviteCodePrefix)
	}
	b, err := codeEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("%w: invite code is damaged: %v", ErrInvalid, err)
	}
	var w inviteCodeWire
	if err := codeDec.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%w: invite code is damaged: %v", ErrInvalid, err)
	}
	return w.code()
}

func (w inviteCodeWire) code() (*InviteCode, error) {
	inv, err := member.DecodeInvite(w.Token)
	if err != nil {
		return nil, fmt.Errorf("%w: invite code: %w", ErrInvalid, err)
	}
	if len(w.Seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: invite code secret size", ErrInvalid)
	}
	key := ed25519.NewKeyFromSeed(w.Seed)
	if !bytes.Equal(key.Public().(ed25519.PublicKey), inv.InviteKey) {
		return nil, fmt.Errorf("%w: invite code secret does not match its token", ErrInvalid)
	}
	for _, a := range w.Addrs {
		if len(a) == 0 || len(a) > member.MaxRelayLen {
			return nil, fmt.Errorf("%w: invite code address", ErrInvalid)
		}
	}
	return &InviteCode{Space: inv.Space, InviteID: inv.InviteID, Role: string(inv.Role), Uses: inv.Uses,
		Expires: time.UnixMilli(inv.Expires), Addrs: w.Addrs, invite: inv, key: key}, nil
}

// PeerKey returns the Ed25519 public key inside a peer ID made by PeerID.
func PeerKey(id string) (ed25519.PublicKey, error) {
	b, ok := unbase58(id)
	prefix := []byte{0x00, 0x24, 0x08, 0x01, 0x12, 0x20}
	if !ok || len(b) != len(prefix)+ed25519.PublicKeySize || !bytes.HasPrefix(b, prefix) {
		return nil, fmt.Errorf("%w: %q is not an Ed25519 peer ID", ErrInvalid, id)
	}
	return ed25519.PublicKey(b[len(prefix):]), nil
}

func unbase58(s string) ([]byte, bool) {
	if s == "" || len(s) > 128 {
		return nil, false
	}
	x := new(big.Int)
	for _, c := range []byte(s) {
		i := strings.IndexByte(base58Alphabet, c)
		if i < 0 {
			return nil, false
		}
		x.Mul(x, big.NewInt(58)).Add(x, big.NewInt(int64(i)))
	}
	zeros := len(s) - len(strings.TrimLeft(s, "1"))
	return append(make([]byte, zeros), x.Bytes()...), true
}
