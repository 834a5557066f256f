package replicate

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// body strips the length prefix of a message, checking it.
func body(t *testing.T, b []byte) []byte {
	t.Helper()
	if n := binary.BigEndian.Uint32(b); int(n) != len(b)-lengthSize {
		t.Fatalf("length prefix %d, body %d", n, len(b)-lengthSize)
	}
	return b[lengthSize:]
}

// rawMessage compresses arbitrary CBOR-encoded v, bypassing the checks of
// EncodeFrame and EncodeRequest, as a modified client could.
func rawMessage(t *testing.T, v any) []byte {
	t.Helper()
	b, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b[lengthSize:]
}

// compress compresses raw bytes as a message body.
func compress(raw []byte) []byte { return zenc.EncodeAll(raw, nil) }

// streamBomb is a zstd frame of n zero bytes that does not declare its
// size.
func streamBomb(t *testing.T, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderDictRaw(dictID, frameDict))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, zeros{}, n); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var h zstd.Header
	if err := h.Decode(buf.Bytes()); err != nil || h.HasFCS {
		t.Fatalf("the bomb declares its size (%v)", err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// deflate compresses raw bytes as format 1 (an older weft) did.
func deflate(raw []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(raw)
	w.Close()
	return buf.Bytes()
}

func sampleRequest() *Request {
	return &Request{Version: Version, Spaces: []SpaceState{{Space: "space1", Heads: [][]byte{make([]byte, 32)},
		Docs: []DocState{{Doc: "doc1", Type: "ledger", VV: []Clock{{Actor: []byte{1}, Seq: 3}, {Actor: []byte{2}, Seq: 1}}}}}}}
}

func TestRequestRoundTrip(t *testing.T) {
	req := sampleRequest()
	b, err := EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRequest(body(t, b))
	if err != nil || !reflect.DeepEqual(got, req) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, got, req)
	}
}

func TestDecodeRequestRefuses(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *Request)
	}{
		{"wrong version", func(r *Request) { r.Version = 1 }},
		{"space twice", func(r *Request) { r.Spaces = append(r.Spaces, r.Spaces[0]) }},
		{"empty space ID", func(r *Request) { r.Spaces[0].Space = "" }},
		{"short head", func(r *Request) { r.Spaces[0].Heads[0] = []byte{1} }},
		{"too many heads", func(r *Request) { r.Spaces[0].Heads = make([][]byte, MaxHeads+1) }},
		{"document twice", func(r *Request) { r.Spaces[0].Docs = append(r.Spaces[0].Docs, r.Spaces[0].Docs[0]) }},
		{"vector not ascending", func(r *Request) { vv := r.Spaces[0].Docs[0].VV; vv[0], vv[1] = vv[1], vv[0] }},
		{"seq 0", func(r *Request) { r.Spaces[0].Docs[0].VV[0].Seq = 0 }},
		{"empty actor", func(r *Request) { r.Spaces[0].Docs[0].VV[0].Actor = nil }},
		{"too many spaces", func(r *Request) {
			for i := range MaxSpaces + 1 {
				r.Spaces = append(r.Spaces, SpaceState{Space: string(rune('a'+i%26)) + string(rune(i))})
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := sampleRequest()
			tt.mutate(req)
			if _, err := EncodeRequest(req); !errors.Is(err, ErrMalformed) {
				t.Fatalf("encode: %v, want ErrMalformed", err)
			}
			if _, err := DecodeRequest(rawMessage(t, req)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("decode: %v, want ErrMalformed", err)
			}
		})
	}
}

func sampleFrame() *Frame {
	return &Frame{Version: Version, Kind: KindChanges, Space: "space1", Doc: "doc1", Type: "ledger",
		Chunks: [][]byte{{1, 2, 3}, {4, 5}}, Atts: [][]byte{{9}}}
}

func TestFrameRoundTrip(t *testing.T) {
	for name, f := range map[string]*Frame{
		"changes": sampleFrame(),
		"ops":     {Version: Version, Kind: KindOps, Space: "s", Ops: [][]byte{{1}, {2}}},
		"end":     {Version: Version, Kind: KindEnd, Summary: &Summary{Spaces: 1, Ops: 2, Changes: 3, Frames: 4}},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := EncodeFrame(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeFrame(body(t, b))
			if err != nil || !reflect.DeepEqual(got, f) {
				t.Fatalf("round trip: %v\n%+v\n%+v", err, got, f)
			}
		})
	}
}

func TestDecodeFrameRefuses(t *testing.T) {
	seed := uint32(0)
	big := func(n int) []byte { // incompressible bytes, different every call
		b := make([]byte, n)
		seed++
		x := seed
		for i := range b {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b[i] = byte(x)
		}
		return b
	}
	tests := []struct {
		name   string
		mutate func(f *Frame)
		want   error
	}{
		{"wrong version", func(f *Frame) { f.Version = 0 }, ErrMalformed},
		{"unknown kind", func(f *Frame) { f.Kind = 9 }, ErrMalformed},
		{"no chunks", func(f *Frame) { f.Chunks = nil }, ErrMalformed},
		{"empty chunk", func(f *Frame) { f.Chunks[0] = nil }, ErrMalformed},
		{"no document", func(f *Frame) { f.Doc = "" }, ErrMalformed},
		{"oversized attestation", func(f *Frame) { f.Atts[0] = make([]byte, MaxAttestation+1) }, ErrMalformed},
		{"changes with ops", func(f *Frame) { f.Ops = [][]byte{{1}} }, ErrMalformed},
		{"end with a space", func(f *Frame) { f.Kind, f.Chunks, f.Atts, f.Summary = KindEnd, nil, nil, &Summary{} }, ErrMalformed},
		{"end without summary", func(f *Frame) { *f = Frame{Version: Version, Kind: KindEnd} }, ErrMalformed},
		{"two chunks over MaxFrame", func(f *Frame) { f.Chunks = [][]byte{big(MaxFrame / 2), big(MaxFrame / 2)} }, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := sampleFrame()
			tt.mutate(f)
			if _, err := EncodeFrame(f); !errors.Is(err, tt.want) {
				t.Fatalf("encode: %v, want %v", err, tt.want)
			}
			if _, err := DecodeFrame(rawMessage(t, f)); !errors.Is(err, tt.want) {
				t.Fatalf("decode: %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("one large chunk alone passes", func(t *testing.T) {
		f := sampleFrame()
		f.Chunks = [][]byte{big(2 * MaxFrame)}
		b, err := EncodeFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeFrame(body(t, b)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("decompression bomb", func(t *testing.T) {
		bomb := compress(make([]byte, MaxDecompressed+1))
		if len(bomb) > 4096 {
			t.Fatalf("the bomb is %d bytes: not a bomb", len(bomb))
		}
		if _, err := DecodeFrame(bomb); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "decompressed") {
			t.Fatalf("bomb: %v", err)
		}
	})
	t.Run("decompression bomb without its size, in bounded memory", func(t *testing.T) {
		bomb := streamBomb(t, 64<<20)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := DecodeFrame(bomb)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("bomb: %v", err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 2<<20 {
			t.Fatalf("decoding a %d-byte bomb of 64 MiB allocated %d bytes", len(bomb), got)
		}
	})
	t.Run("decompression bomb that understates its size", func(t *testing.T) {
		bomb := compress(make([]byte, MaxDecompressed))
		// The header: magic, descriptor (a 4-byte content size), the size.
		if bomb[4]>>6 != 2 {
			t.Fatalf("frame header descriptor %#x: not a 4-byte content size", bomb[4])
		}
		binary.LittleEndian.PutUint32(bomb[5:], 1000)
		if _, err := DecodeFrame(bomb); err == nil || !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("bomb: %v", err)
		}
	})
	t.Run("not zstd", func(t *testing.T) {
		if _, err := DecodeFrame([]byte("hello, not a frame")); !errors.Is(err, ErrMalformed) {
			t.Fatalf("garbage: %v", err)
		}
	})
	t.Run("format 1 from an older weft", func(t *testing.T) {
		old, err := encMode.Marshal(&Frame{Version: 1, Kind: KindEnd, Summary: &Summary{}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeFrame(deflate(old))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "older weft") {
			t.Fatalf("a DEFLATE frame: %v, want ErrMalformed naming an older weft", err)
		}
	})
	t.Run("version 1 inside zstd", func(t *testing.T) {
		f := sampleFrame()
		f.Version = 1
		_, err := DecodeFrame(rawMessage(t, f))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "frame version 1, want 2") {
			t.Fatalf("a version 1 frame: %v", err)
		}
	})
	t.Run("over MaxLargeFrame before inflating", func(t *testing.T) {
		if _, err := DecodeFrame(make([]byte, MaxLargeFrame+1)); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("oversized body: %v", err)
		}
	})
}

// TestFrameDictFrozen pins the zstd dictionary: it is part of message
// format 2, and a change to the samples, to packing or to the CBOR of a
// frame that changes it makes every peer of the old dictionary unable to
// read this one's messages. Such a change needs a new format (limits.go).
func TestFrameDictFrozen(t *testing.T) {
	const want = "8890f816ed83a4cab6cfcd226ee663b437adc8ecb7b44bee31a0a84e45c01d88"
	if got := hex.EncodeToString(sha256Sum(frameDict)); got != want {
		t.Fatalf("the frame dictionary changed (%d bytes, SHA-256 %s): that is a new message format", len(frameDict), got)
	}
}

// TestDictionaryRequired: a zstd frame made without weft's dictionary is
// refused, naming the dictionary.
func TestDictionaryRequired(t *testing.T) {
	e, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := encMode.Marshal(toWire(sampleFrame()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFrame(e.EncodeAll(raw, nil)); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "dictionary 0, want 1") {
		t.Fatalf("a frame without the dictionary: %v", err)
	}
}

func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}
