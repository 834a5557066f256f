package member

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/seal"
)

// Invite is an admission token: a steward's signed permission for whoever
// holds the secret half of InviteKey to join Space with Role, until Expires
// (unix ms), at most Uses times. With For set, only that key may join.
// The invite key's secret half travels beside the token in the invite code,
// never inside it.
type Invite struct {
	Space     string            `cbor:"1,keyasint"`
	InviteID  string            `cbor:"2,keyasint"`
	Role      Role              `cbor:"3,keyasint"`
	Expires   int64             `cbor:"4,keyasint"`
	Uses      int               `cbor:"5,keyasint"`
	InviteKey ed25519.PublicKey `cbor:"6,keyasint"`
	For       ed25519.PublicKey `cbor:"7,keyasint,omitempty"`
	Signer    ed25519.PublicKey `cbor:"8,keyasint"`
	Sig       []byte            `cbor:"9,keyasint,omitempty"`
}

// NewInvite makes a new invite signed by steward and returns it with the
// secret half of its invite key. forKey may be nil.
func NewInvite(steward *seal.Identity, space string, role Role, expires int64, uses int, forKey ed25519.PublicKey) (*Invite, ed25519.PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("member: new invite key: %w", err)
	}
	inv := &Invite{Space: space, InviteID: model.NewID(), Role: role, Expires: expires,
		Uses: uses, InviteKey: pub, For: forKey, Signer: steward.Public}
	inv.Sig = seal.Sign(steward.Private, seal.ContextInvite, []byte(space), inv.unsigned())
	if err := inv.Verify(); err != nil {
		return nil, nil, err
	}
	return inv, priv, nil
}

// Encode returns the invite's deterministic CBOR encoding.
func (inv *Invite) Encode() []byte { return encode(inv) }

// unsigned is the encoding without the signature: what the signer signs.
func (inv *Invite) unsigned() []byte {
	c := *inv
	c.Sig = nil
	return encode(&c)
}

// DecodeInvite decodes and checks an encoded invite: size, canonical form,
// field shapes and the signer's signature. Whether the signer is a steward
// is the roster's business.
func DecodeInvite(b []byte) (*Invite, error) {
	if len(b) > MaxInviteSize {
		return nil, fmt.Errorf("member: invite of %d bytes: %w", len(b), ErrTooLarge)
	}
	var inv Invite
	if err := decMode.Unmarshal(b, &inv); err != nil {
		return nil, fmt.Errorf("%w: invite: %v", ErrMalformed, err)
	}
	if !bytes.Equal(inv.Encode(), b) {
		return nil, fmt.Errorf("%w: invite not in canonical form", ErrMalformed)
	}
	if err := inv.Verify(); err != nil {
		return nil, err
	}
	return &inv, nil
}

// Verify checks the invite's fields and its signer's signature.
func (inv *Invite) Verify() error {
	if err := inv.check(); err != nil {
		return err
	}
	if !seal.Verify(inv.Signer, seal.ContextInvite, inv.Sig, []byte(inv.Space), inv.unsigned()) {
		return fmt.Errorf("member: invite %s: %w", inv.InviteID, ErrBadSignature)
	}
	return nil
}

// check validates the invite's field shapes.
func (inv *Invite) check() error {
	switch {
	case !model.ValidID(inv.Space) || !model.ValidID(inv.InviteID):
		return fmt.Errorf("%w: invite space or ID", ErrMalformed)
	case !inv.Role.Valid():
		return fmt.Errorf("%w: invite role %q", ErrMalformed, inv.Role)
	case inv.Uses < 1 || inv.Uses > MaxInviteUses || inv.Expires <= 0:
		return fmt.Errorf("%w: invite uses or expiry", ErrMalformed)
	case !isKey(inv.InviteKey) || !isKey(inv.Signer) || (inv.For != nil && !isKey(inv.For)):
		return fmt.Errorf("%w: invite key size", ErrMalformed)
	}
	return nil
}

// isKey reports whether k has the size of an Ed25519 public key.
func isKey(k []byte) bool { return len(k) == ed25519.PublicKeySize }
