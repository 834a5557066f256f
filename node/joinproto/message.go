package joinproto

import (
	"fmt"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/member"
)

// ProtocolID is the libp2p protocol of admission over the network.
const ProtocolID = "/weft/join/1"

// Version is the message format version this package writes and reads.
const Version = 1

// Limits, checked before a message is decoded.
const (
	// MaxChallenge bounds the member's first message.
	MaxChallenge = 128
	// MaxRequest bounds the joiner's request.
	MaxRequest = 16 << 10
	// MaxResponse bounds the member's answer: a sealed key and the
	// membership log.
	MaxResponse = 16 << 20
	// MaxOps bounds the operations of an answer's membership log.
	MaxOps = 1 << 14
	// MaxReason bounds a refusal's reason, in bytes.
	MaxReason = 512
	// MaxSealed bounds the sealed epoch key.
	MaxSealed = member.MaxSealedKeySize
)

// Challenge is the member's first message: a fresh nonce the joiner's
// proof must sign.
type Challenge struct {
	Version uint8  `cbor:"0,keyasint"`
	Nonce   []byte `cbor:"1,keyasint"`
}

// Request is the joiner's answer to a challenge: its join, whose nonce is
// the challenge's.
type Request struct {
	Version uint8        `cbor:"0,keyasint"`
	Join    *member.Join `cbor:"1,keyasint"`
}

// Response is the member's answer: a refusal (Refused set, nothing else),
// or the space as the member holds it. The space's name, creation time,
// default calendar and ledger are the member's word (the name is also in
// the log); Sealed is the epoch key of Epoch sealed to the joiner's X25519
// key with HPKE; Ops is the membership log in replay order, which must
// admit the joiner.
type Response struct {
	Version  uint8    `cbor:"0,keyasint"`
	Refused  string   `cbor:"1,keyasint,omitempty"`
	Space    string   `cbor:"2,keyasint,omitempty"`
	Name     string   `cbor:"3,keyasint,omitempty"`
	Created  int64    `cbor:"4,keyasint,omitempty"`
	Calendar string   `cbor:"5,keyasint,omitempty"`
	Ledger   string   `cbor:"6,keyasint,omitempty"`
	Epoch    []byte   `cbor:"7,keyasint,omitempty"`
	Sealed   []byte   `cbor:"8,keyasint,omitempty"`
	Ops      [][]byte `cbor:"9,keyasint,omitempty"`
}

// Refusal returns a response refusing the join for reason, cut to
// MaxReason bytes.
func Refusal(reason string) *Response {
	if reason == "" {
		reason = "refused"
	}
	if len(reason) > MaxReason {
		reason = reason[:MaxReason]
	}
	return &Response{Version: Version, Refused: reason}
}

func (c *Challenge) check() error {
	if c.Version != Version || len(c.Nonce) != member.NonceSize {
		return fmt.Errorf("%w: challenge version or nonce size", ErrMalformed)
	}
	return nil
}

func (r *Request) check() error {
	if r.Version != Version || r.Join == nil {
		return fmt.Errorf("%w: request version or join", ErrMalformed)
	}
	return nil
}

func (r *Response) check() error {
	switch {
	case r.Version != Version:
		return fmt.Errorf("%w: response version %d", ErrMalformed, r.Version)
	case r.Refused != "":
		if len(r.Refused) > MaxReason || r.Space != "" || r.Sealed != nil || r.Ops != nil {
			return fmt.Errorf("%w: refusal with a body", ErrMalformed)
		}
		return nil
	case !model.ValidID(r.Space) || !model.ValidID(r.Calendar) || !model.ValidID(r.Ledger):
		return fmt.Errorf("%w: response space, calendar or ledger ID", ErrMalformed)
	case len(r.Epoch) != 32 || len(r.Sealed) == 0 || len(r.Sealed) > MaxSealed:
		return fmt.Errorf("%w: response epoch or sealed key size", ErrMalformed)
	case len(r.Ops) == 0 || len(r.Ops) > MaxOps || len(r.Name) > member.MaxNameLen:
		return fmt.Errorf("%w: response operations or name", ErrMalformed)
	}
	for _, op := range r.Ops {
		if len(op) == 0 || len(op) > member.MaxOpSize {
			return fmt.Errorf("%w: response operation of %d bytes", ErrMalformed, len(op))
		}
	}
	return nil
}
