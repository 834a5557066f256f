package replicate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/klauspost/compress/zstd"

	"github.com/weftsync/weft/node/wire"
)

// encMode encodes deterministically (RFC 8949 core deterministic encoding).
var encMode = wire.DeterministicEncMode()

// decMode refuses duplicate keys, indefinite lengths, tags and unknown
// fields, and bounds nesting and counts.
var decMode = wire.StrictDecMode(8, MaxItems, 16)

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// zstdLevel: on packed ledger changes SpeedFastest compresses better than
// the default and better levels, and within 6% of the best at a
// fourteenth of its time (docs/performance.md).
const zstdLevel = zstd.SpeedFastest

// zstdWindow: a larger window finds nothing more in frames of changes
// (1 MiB compressed ledger frames of 240 to 2,000 entries to within 0.1 %
// of 256 KiB, decision 0061), and each encoder keeps a history of the
// window and a block (with WithLowerEncoderMem; 1 MiB at the least
// without), live for the life of the process: two encoders held 5.3 MB
// with a 1 MiB window and 2.1 MB with this one.
const zstdWindow = 256 << 10

// codecs is how many messages are compressed or decompressed at once; more
// wait. Each decoder holds at most a window of MaxDecompressed.
const codecs = 2

// zenc compresses messages: one frame each, with a checksum and
// frameDict.
var zenc = must(zstd.NewWriter(nil, zstd.WithEncoderLevel(zstdLevel), zstd.WithEncoderConcurrency(codecs),
	zstd.WithWindowSize(zstdWindow), zstd.WithLowerEncoderMem(true), zstd.WithZeroFrames(true), zstd.WithEncoderDictRaw(dictID, frameDict)))

// zdec decompresses messages behind the MaxDecompressed cap, in memory
// bounded by it (window and output), codecs at a time.
var zdec = must(zstd.NewReader(nil, zstd.WithDecoderConcurrency(codecs), zstd.WithDecoderLowmem(true),
	zstd.WithDecoderMaxMemory(MaxDecompressed), zstd.WithDecoderMaxWindow(MaxDecompressed),
	zstd.WithDecodeAllCapLimit(true), zstd.WithDecoderDictRaw(dictID, frameDict)))

// maxUnsized is the most a zstd frame that does not declare its content
// size may decompress to: the encoder leaves the size out only below 256
// bytes.
const maxUnsized = 255

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// encode returns the wire form of v: a 4-byte big-endian length, then v's
// CBOR compressed as one zstd frame. A *Frame is first put in its wire
// form (its chunks packed) without being checked, so tests can send what a
// modified peer could.
func encode(v any) ([]byte, error) {
	raw, err := marshalMessage(v)
	if err != nil {
		return nil, err
	}
	return compressMessage(raw), nil
}

// marshalMessage returns v's CBOR (a *Frame in its wire form), at most
// MaxDecompressed bytes.
func marshalMessage(v any) ([]byte, error) {
	if f, ok := v.(*Frame); ok {
		v = toWire(f)
	}
	raw, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("replicate: encode: %w", err)
	}
	if len(raw) > MaxDecompressed {
		return nil, fmt.Errorf("%w: %d bytes decompressed", ErrTooLarge, len(raw))
	}
	return raw, nil
}

// compressMessage returns the wire form of a message whose CBOR is raw:
// its length prefix, then raw compressed as one zstd frame.
func compressMessage(raw []byte) []byte {
	b := zenc.EncodeAll(raw, make([]byte, lengthSize, lengthSize+len(raw)/2+64))
	binary.BigEndian.PutUint32(b, uint32(len(b)-lengthSize))
	return b
}

// decompress decompresses body, one zstd frame, behind the
// MaxDecompressed cap: the declared content size (maxUnsized when none)
// is checked before anything is allocated, and the decoder stops once its
// output passes it.
func decompress(body []byte) ([]byte, error) {
	if !bytes.HasPrefix(body, zstdMagic) {
		return nil, malformed("not a zstd frame (a peer that sends DEFLATE runs an older weft, message format 1: upgrade it)")
	}
	var h zstd.Header
	if err := h.Decode(body); err != nil {
		return nil, fmt.Errorf("%w: zstd header: %w", ErrMalformed, err)
	}
	switch {
	case h.HasFCS && h.FrameContentSize > MaxDecompressed:
		return nil, fmt.Errorf("%w: zstd frame of %d bytes decompressed, over %d", ErrTooLarge, h.FrameContentSize, MaxDecompressed)
	case h.DictionaryID != dictID:
		return nil, malformed("zstd frame with dictionary %d, want %d", h.DictionaryID, dictID)
	}
	size := uint64(maxUnsized)
	if h.HasFCS {
		size = h.FrameContentSize
	}
	raw, err := zdec.DecodeAll(body, make([]byte, 0, size))
	switch {
	case errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded):
		return nil, fmt.Errorf("%w: over %d bytes decompressed", ErrTooLarge, MaxDecompressed)
	case err != nil:
		return nil, fmt.Errorf("%w: zstd: %w", ErrMalformed, err)
	case h.HasFCS && uint64(len(raw)) != size:
		return nil, malformed("zstd: %d bytes decompressed, %d declared (one frame only)", len(raw), h.FrameContentSize)
	}
	return raw, nil
}

// decode decompresses body (a message without its length prefix) and
// decodes it into v.
func decode(body []byte, v any) error {
	raw, err := decompress(body)
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

// wireFrame is a Frame as it travels: its chunks packed (chunkpack.go).
type wireFrame struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Kind    uint64
	Space   string
	Doc     string
	Type    string
	Ops     [][]byte
	Changes *packedChanges
	Atts    [][]byte
	Summary *Summary
}

// toWire returns the wire form of f.
func toWire(f *Frame) *wireFrame {
	w := &wireFrame{Version: f.Version, Kind: f.Kind, Space: f.Space, Doc: f.Doc, Type: f.Type,
		Ops: f.Ops, Atts: f.Atts, Summary: f.Summary}
	if f.Chunks != nil {
		w.Changes = packChunks(f.Chunks)
	}
	return w
}

// fromWire rebuilds a frame, after checking its version: a frame of
// another version is refused before its chunks are looked at.
func fromWire(w *wireFrame) (*Frame, error) {
	return fromWireWithin(w, MaxDecompressed)
}

// fromWireWithin is fromWire with the frame's rebuilt chunks bounded by
// limit bytes (unpackChunksWithin).
func fromWireWithin(w *wireFrame, limit int) (*Frame, error) {
	if w.Version != Version {
		return nil, malformed("frame version %d, want %d", w.Version, Version)
	}
	f := &Frame{Version: w.Version, Kind: w.Kind, Space: w.Space, Doc: w.Doc, Type: w.Type,
		Ops: w.Ops, Atts: w.Atts, Summary: w.Summary}
	if w.Changes != nil {
		chunks, err := unpackChunksWithin(w.Changes, limit)
		if err != nil {
			return nil, err
		}
		f.Chunks = chunks
	}
	return f, nil
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
// length prefix): decompressed behind its cap, its chunks rebuilt and
// checked against the frame's digest.
func DecodeFrame(body []byte) (*Frame, error) {
	if len(body) > MaxLargeFrame {
		return nil, fmt.Errorf("%w: frame of %d bytes", ErrTooLarge, len(body))
	}
	var w wireFrame
	if err := decode(body, &w); err != nil {
		return nil, err
	}
	f, err := fromWire(&w)
	if err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, f.checkSize(len(body))
}
