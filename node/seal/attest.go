package seal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
)

// Limits on an encoded attestation.
const (
	MaxAttestationSize = 1024
	maxAttestIDLen     = 128
)

// attestVersion is the version field of an encoded attestation.
const attestVersion = 1

// Attestation is a member's signature over the newest change of one of its
// actors in one document (DESIGN.md section 6). The change hash commits to
// its dependencies, so it covers every earlier change of that actor.
type Attestation struct {
	Space  string
	Doc    string
	Actor  []byte
	Seq    uint64
	Hash   [32]byte
	Signer ed25519.PublicKey
	Sig    []byte
}

// attestWire is the encoded form of an Attestation.
type attestWire struct {
	_       struct{} `cbor:",toarray"`
	Version uint8
	Space   string
	Doc     string
	Actor   []byte
	Seq     uint64
	Hash    []byte
	Signer  []byte
	Sig     []byte
}

// Attest signs ("weft/attest/v1", space, doc, actor, seq, hash) with id.
func Attest(id *Identity, space, doc string, actor []byte, seq uint64, hash [32]byte) Attestation {
	a := Attestation{Space: space, Doc: doc, Actor: actor, Seq: seq, Hash: hash, Signer: id.Public}
	a.Sig = Sign(id.Private, ContextAttest, a.fields()...)
	return a
}

// Verify checks the signature and that the signer owns the actor. It does
// not check that the signer is a member: that is the roster's business.
func (a Attestation) Verify() error {
	if !Verify(a.Signer, ContextAttest, a.Sig, a.fields()...) {
		return fmt.Errorf("seal: attestation for %s seq %d: %w", a.Doc, a.Seq, ErrBadSignature)
	}
	if !OwnsActor(a.Signer, a.Actor) {
		return fmt.Errorf("seal: attestation for %s seq %d: %w", a.Doc, a.Seq, ErrActorNotOwned)
	}
	return nil
}

// fields are the signed fields of a.
func (a Attestation) fields() [][]byte {
	seq := binary.BigEndian.AppendUint64(nil, a.Seq)
	return [][]byte{[]byte(a.Space), []byte(a.Doc), a.Actor, seq, a.Hash[:]}
}

// Marshal encodes a in deterministic CBOR: equal attestations encode to
// equal bytes. The encoding is written directly (attest_wire.go),
// the bytes encMode makes of attestWire.
func (a Attestation) Marshal() []byte {
	if b, ok := a.appendWire(make([]byte, 0, a.wireSize())); ok {
		return b
	}
	return a.marshalWire()
}

// marshalWire is Marshal through encMode, for what appendWire leaves to it.
func (a Attestation) marshalWire() []byte {
	w := attestWire{Version: attestVersion, Space: a.Space, Doc: a.Doc, Actor: a.Actor,
		Seq: a.Seq, Hash: a.Hash[:], Signer: a.Signer, Sig: a.Sig}
	b, err := encMode.Marshal(w)
	if err != nil {
		panic(fmt.Sprintf("seal: marshal attestation: %v", err)) // plain values: cannot fail
	}
	return b
}

// UnmarshalAttestation decodes an attestation made by Marshal. It refuses
// input over MaxAttestationSize, fields of the wrong size and any encoding
// but the canonical one. It does not verify the signature.
func UnmarshalAttestation(b []byte) (Attestation, error) {
	if len(b) > MaxAttestationSize {
		return Attestation{}, fmt.Errorf("seal: attestation of %d bytes: %w", len(b), ErrTooLarge)
	}
	var w attestWire
	if err := decMode.Unmarshal(b, &w); err != nil {
		return Attestation{}, fmt.Errorf("%w: attestation: %v", ErrMalformed, err)
	}
	if err := w.check(); err != nil {
		return Attestation{}, err
	}
	a := Attestation{Space: w.Space, Doc: w.Doc, Actor: w.Actor, Seq: w.Seq, Signer: w.Signer, Sig: w.Sig}
	copy(a.Hash[:], w.Hash)
	if !bytes.Equal(a.Marshal(), b) {
		return Attestation{}, fmt.Errorf("%w: attestation not in canonical form", ErrMalformed)
	}
	return a, nil
}

// check validates the decoded fields' sizes.
func (w *attestWire) check() error {
	switch {
	case w.Version != attestVersion:
		return fmt.Errorf("%w: attestation version %d", ErrMalformed, w.Version)
	case len(w.Space) > maxAttestIDLen || len(w.Doc) > maxAttestIDLen:
		return fmt.Errorf("%w: attestation ID too long", ErrMalformed)
	case len(w.Actor) != ActorSize || len(w.Hash) != 32:
		return fmt.Errorf("%w: attestation actor or hash size", ErrMalformed)
	case len(w.Signer) != ed25519.PublicKeySize || len(w.Sig) != ed25519.SignatureSize:
		return fmt.Errorf("%w: attestation key or signature size", ErrMalformed)
	}
	return nil
}
