package member

import (
	"crypto/ed25519"
	"fmt"

	"github.com/weftsync/weft/node/seal"
)

// Join is what a joiner presents to an admitting member, and what the
// admission operation records: the invite, a nonce (the admitting member's over the network; the joiner's own offline),
// the joiner's key, X25519 key and display name, and the joiner's proof of
// holding the invite's secret key over all of them.
type Join struct {
	Invite *Invite           `cbor:"1,keyasint"`
	Nonce  []byte            `cbor:"2,keyasint"`
	Joiner ed25519.PublicKey `cbor:"3,keyasint"`
	X25519 []byte            `cbor:"4,keyasint"`
	Name   string            `cbor:"5,keyasint"`
	Proof  []byte            `cbor:"6,keyasint"`
}

// NewJoin builds a join for inv and signs its proof with inviteKey, the
// invite's secret half. nonce is the admitting member's over the network, the joiner's own offline (NonceSize bytes).
func NewJoin(inv *Invite, inviteKey ed25519.PrivateKey, nonce []byte, joiner ed25519.PublicKey, x25519 []byte, name string) *Join {
	j := &Join{Invite: inv, Nonce: nonce, Joiner: joiner, X25519: x25519, Name: name}
	j.Proof = seal.Sign(inviteKey, seal.ContextInviteProof, j.proofFields()...)
	return j
}

// proofFields are the fields the joiner's proof signs.
func (j *Join) proofFields() [][]byte {
	return [][]byte{[]byte(j.Invite.Space), []byte(j.Invite.InviteID), j.Nonce, j.Joiner, j.X25519, []byte(j.Name)}
}

// Verify checks the join alone: field shapes, the invite's signature, the
// proof made with the invite key and the invite's For binding. Expiry, uses,
// revocation and the invite signer's role depend on the log: the roster
// checks them.
func (j *Join) Verify() error {
	if err := j.check(); err != nil {
		return err
	}
	if err := j.Invite.Verify(); err != nil {
		return err
	}
	if !seal.Verify(j.Invite.InviteKey, seal.ContextInviteProof, j.Proof, j.proofFields()...) {
		return fmt.Errorf("member: join proof: %w", ErrBadSignature)
	}
	if j.Invite.For != nil && !j.Invite.For.Equal(j.Joiner) {
		return ErrInviteNotFor
	}
	return nil
}

// check validates the join's field shapes.
func (j *Join) check() error {
	switch {
	case j.Invite == nil:
		return fmt.Errorf("%w: join without invite", ErrMalformed)
	case len(j.Nonce) != NonceSize || len(j.X25519) != X25519Size || !isKey(j.Joiner):
		return fmt.Errorf("%w: join nonce or key size", ErrMalformed)
	case len(j.Proof) != ed25519.SignatureSize:
		return fmt.Errorf("%w: join proof size", ErrMalformed)
	}
	return checkName(j.Name)
}
