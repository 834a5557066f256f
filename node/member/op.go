package member

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"

	"github.com/weftsync/weft/node/seal"
)

// OpVersion is the version every operation carries.
const OpVersion = 1

// Op is one signed membership operation. Which fields an operation carries
// depends on its Kind (see Kind's constants); fields foreign to the kind
// must be empty. Build one, fill it, then Sign it; once signed or added to a
// Log it must not be modified.
type Op struct {
	Version uint8             `cbor:"0,keyasint"`
	Space   string            `cbor:"1,keyasint"`
	Kind    Kind              `cbor:"2,keyasint"`
	Follows [][32]byte        `cbor:"3,keyasint,omitempty"` // the log heads the signer saw, ascending; none for create
	Signer  ed25519.PublicKey `cbor:"4,keyasint"`
	Time    int64             `cbor:"5,keyasint"` // the signer's clock, unix ms

	SpaceName  string                `cbor:"6,keyasint,omitempty"`  // create, rename
	Salt       []byte                `cbor:"7,keyasint,omitempty"`  // create: the space ID is derived from it
	Name       string                `cbor:"8,keyasint,omitempty"`  // create: the creator's display name
	X25519     []byte                `cbor:"9,keyasint,omitempty"`  // create: the creator's X25519 key
	Join       *Join                 `cbor:"10,keyasint,omitempty"` // admit
	Target     ed25519.PublicKey     `cbor:"11,keyasint,omitempty"` // role, remove
	Role       Role                  `cbor:"12,keyasint,omitempty"` // role: the new role
	Cut        map[string][]ActorCut `cbor:"13,keyasint,omitempty"` // remove, leave (optional): doc ID -> actors
	Recipients []Recipient           `cbor:"14,keyasint,omitempty"` // create, rotate: the epoch key sealed per member
	InviteID   string                `cbor:"15,keyasint,omitempty"` // revoke_invite
	Relays     []string              `cbor:"16,keyasint,omitempty"` // set_relays: multiaddrs

	Sig []byte `cbor:"31,keyasint,omitempty"`
}

// ActorCut is the highest sequence number of one actor's changes that the
// space still accepts after its member was removed or left.
type ActorCut struct {
	_      struct{} `cbor:",toarray"`
	Actor  []byte
	MaxSeq uint64
}

// Recipient is an epoch key sealed (with HPKE) to one member. The bytes are
// opaque here.
type Recipient struct {
	_      struct{} `cbor:",toarray"`
	Member ed25519.PublicKey
	Sealed []byte
}

// Encode returns the operation's deterministic CBOR encoding, signature
// included.
func (op *Op) Encode() []byte { return encode(op) }

// ID returns SHA-256 of the encoding, signature included.
func (op *Op) ID() [32]byte { return sha256.Sum256(op.Encode()) }

// unsigned is the encoding without the signature: what the signer signs.
func (op *Op) unsigned() []byte {
	c := *op
	c.Sig = nil
	return encode(&c)
}

// Sign sets the version and signer and signs the operation with id under
// seal.ContextMemberOp, binding its space. It refuses an operation whose
// fields are malformed.
func (op *Op) Sign(id *seal.Identity) error {
	op.Version = OpVersion
	op.Signer = id.Public
	op.Sig = nil
	if err := op.check(); err != nil {
		return err
	}
	op.Sig = seal.Sign(id.Private, seal.ContextMemberOp, []byte(op.Space), op.unsigned())
	return nil
}

// Verify checks the fields and the signature. Whether the signer had the
// right to act is the roster's business.
func (op *Op) Verify() error {
	if err := op.check(); err != nil {
		return err
	}
	if !seal.Verify(op.Signer, seal.ContextMemberOp, op.Sig, []byte(op.Space), op.unsigned()) {
		return fmt.Errorf("member: %s operation: %w", op.Kind, ErrBadSignature)
	}
	return nil
}

// Decode decodes an operation and checks its size, canonical form, fields
// and signature. It does not check the signer's rights.
func Decode(b []byte) (*Op, error) {
	if len(b) > MaxOpSize {
		return nil, fmt.Errorf("member: operation of %d bytes: %w", len(b), ErrTooLarge)
	}
	var op Op
	if err := decMode.Unmarshal(b, &op); err != nil {
		return nil, fmt.Errorf("%w: operation: %v", ErrMalformed, err)
	}
	if !bytes.Equal(op.Encode(), b) {
		return nil, fmt.Errorf("%w: operation not in canonical form", ErrMalformed)
	}
	if err := op.Verify(); err != nil {
		return nil, err
	}
	return &op, nil
}
