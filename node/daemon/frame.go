package daemon

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/wire"
)

// MaxMessage bounds one request or response frame: room for the largest
// input a method takes (a bundle or a welcome) and its framing.
const MaxMessage = max(node.MaxWelcome, wire.MaxBundleSize) + 1<<20

// Version is the protocol version a request carries.
const Version = 1

// ErrTooLarge means a frame was larger than MaxMessage.
var ErrTooLarge = errors.New("daemon: message too large")

// request is one call: a method of the dispatch table and its arguments,
// each encoded on its own so the server decodes it into the type the
// method takes.
type request struct {
	V      int               `cbor:"v"`
	Method string            `cbor:"m"`
	Args   []cbor.RawMessage `cbor:"a"`
}

// response is the answer to one request: a result or an error.
type response struct {
	Result cbor.RawMessage `cbor:"r,omitempty"`
	Err    *wireError      `cbor:"e,omitempty"`
}

var (
	encMode = mustEncMode()
	decMode = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	o := cbor.CoreDetEncOptions()
	o.Time = cbor.TimeRFC3339Nano // exact instants; the default drops sub-seconds
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		MaxArrayElements: 1 << 24,
		MaxMapPairs:      1 << 24,
		MaxNestedLevels:  32,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// writeFrame writes v as a 4-byte big-endian length and its CBOR.
func writeFrame(w io.Writer, v any) error {
	b, err := encMode.Marshal(v)
	if err != nil {
		return fmt.Errorf("daemon: encode: %w", err)
	}
	if len(b) > MaxMessage {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(b), MaxMessage)
	}
	f := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(b)), uint32(len(b)))
	if _, err := w.Write(append(f, b...)); err != nil {
		return fmt.Errorf("daemon: write: %w", err)
	}
	return nil
}

// readFrame reads one frame into v. It returns io.EOF when the stream ends
// cleanly between frames, and ErrTooLarge, before reading the body, when
// the announced length passes MaxMessage.
func readFrame(r io.Reader, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return fmt.Errorf("daemon: read: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxMessage {
		return fmt.Errorf("%w: %d bytes announced, at most %d", ErrTooLarge, n, MaxMessage)
	}
	// Grow with what arrives rather than trusting the length up front.
	b, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return fmt.Errorf("daemon: read: %w", err)
	}
	if len(b) < int(n) {
		return fmt.Errorf("daemon: read: %w", io.ErrUnexpectedEOF)
	}
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("daemon: decode: %w", err)
	}
	return nil
}
