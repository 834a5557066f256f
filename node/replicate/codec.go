package replicate

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/weftsync/weft/node/wire"
)

// encMode encodes deterministically (RFC 8949 core deterministic encoding).
var encMode = wire.DeterministicEncMode()

// decMode refuses duplicate keys, indefinite lengths, tags and unknown
// fields, and bounds nesting and counts.
var decMode = wire.StrictDecMode(8, MaxItems, 16)

// encode returns the wire form of v: a 4-byte big-endian length, then v's
// CBOR compressed with DEFLATE.
func encode(v any) ([]byte, error) {
	raw, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("replicate: encode: %w", err)
	}
	if len(raw) > MaxDecompressed {
		return nil, fmt.Errorf("%w: %d bytes decompressed", ErrTooLarge, len(raw))
	}
	var buf bytes.Buffer
	buf.Write(make([]byte, lengthSize))
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression) // a valid level: cannot fail
	w.Write(raw)                                            // writes to a bytes.Buffer cannot fail
	w.Close()
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-lengthSize))
	return b, nil
}

// inflate decompresses body behind the MaxDecompressed cap.
func inflate(body []byte) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(body))
	defer r.Close()
	raw, err := io.ReadAll(io.LimitReader(r, MaxDecompressed+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	case len(raw) > MaxDecompressed:
		return nil, fmt.Errorf("%w: over %d bytes decompressed", ErrTooLarge, MaxDecompressed)
	}
	return raw, nil
}

// decode inflates body (a message without its length prefix) and decodes
// it into v.
func decode(body []byte, v any) error {
	raw, err := inflate(body)
	if err != nil {
		return err
	}
	if err := decMode.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// EncodeRequest returns the wire form of r (length prefix included).
func EncodeRequest(r *Request) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	return encode(r)
}

// DecodeRequest decodes and checks a request's body (the bytes after the
// length prefix).
func DecodeRequest(body []byte) (*Request, error) {
	if len(body) > MaxFrame {
		return nil, fmt.Errorf("%w: request of %d bytes", ErrTooLarge, len(body))
	}
	var r Request
	if err := decode(body, &r); err != nil {
		return nil, err
	}
	return &r, r.check()
}

// EncodeFrame returns the wire form of f (length prefix included).
func EncodeFrame(f *Frame) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	b, err := encode(f)
	if err != nil {
		return nil, err
	}
	return b, f.checkSize(len(b) - lengthSize)
}

// DecodeFrame decodes and checks a frame's body (the bytes after the
// length prefix).
func DecodeFrame(body []byte) (*Frame, error) {
	if len(body) > MaxLargeFrame {
		return nil, fmt.Errorf("%w: frame of %d bytes", ErrTooLarge, len(body))
	}
	var f Frame
	if err := decode(body, &f); err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, f.checkSize(len(body))
}
