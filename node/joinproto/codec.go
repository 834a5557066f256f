package joinproto

import (
	"encoding/binary"
	"fmt"

	"github.com/weftsync/weft/node/wire"
)

// lengthSize is the size of a message's big-endian length prefix.
const lengthSize = 4

var (
	encMode = wire.DeterministicEncMode()
	decMode = wire.StrictDecMode(8, MaxOps, 32)
)

// encode returns v's wire form: a 4-byte big-endian length, then its CBOR.
func encode(v any, limit int) ([]byte, error) {
	raw, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("joinproto: encode: %w", err)
	}
	if len(raw) > limit {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(raw))
	}
	b := make([]byte, lengthSize, lengthSize+len(raw))
	binary.BigEndian.PutUint32(b, uint32(len(raw)))
	return append(b, raw...), nil
}

// decode decodes body (a message without its prefix) into v.
func decode(body []byte, limit int, v any) error {
	if len(body) > limit {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, len(body))
	}
	if err := decMode.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// EncodeChallenge returns c's wire form, length prefix included.
func EncodeChallenge(c *Challenge) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return encode(c, MaxChallenge)
}

// DecodeChallenge decodes and checks a challenge's body.
func DecodeChallenge(body []byte) (*Challenge, error) {
	var c Challenge
	if err := decode(body, MaxChallenge, &c); err != nil {
		return nil, err
	}
	return &c, c.check()
}

// EncodeRequest returns r's wire form, length prefix included.
func EncodeRequest(r *Request) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	return encode(r, MaxRequest)
}

// DecodeRequest decodes a request's body and checks its shape and the
// join's signatures (member.Join.Verify). Whether the join may be
// admitted is for the member's roster to say.
func DecodeRequest(body []byte) (*Request, error) {
	var r Request
	if err := decode(body, MaxRequest, &r); err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	if err := r.Join.Verify(); err != nil {
		return nil, fmt.Errorf("%w: join: %w", ErrMalformed, err)
	}
	return &r, nil
}

// EncodeResponse returns r's wire form, length prefix included.
func EncodeResponse(r *Response) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	return encode(r, MaxResponse)
}

// DecodeResponse decodes and checks a response's body. The operations are
// not decoded here: the joiner adds them to a log.
func DecodeResponse(body []byte) (*Response, error) {
	var r Response
	if err := decode(body, MaxResponse, &r); err != nil {
		return nil, err
	}
	return &r, r.check()
}
