package replicate

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpora under testdata/fuzz")

// frameSeeds are frame bodies of every kind, valid and broken.
func frameSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, f := range []*Frame{
		sampleFrame(),
		{Version: Version, Kind: KindOps, Space: "s", Ops: [][]byte{{1}, {2}}},
		{Version: Version, Kind: KindEnd, Summary: &Summary{Spaces: 1, Changes: 3, Frames: 1}},
		{Version: Version, Kind: KindEnd, Summary: &Summary{Busy: true}},
	} {
		b, err := EncodeFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[lengthSize:])
	}
	real := &Frame{Version: Version, Kind: KindChanges, Space: "s", Doc: "d", Type: "ledger",
		Chunks: append(unhex(t, hexV1, hexV2, hexV3, hexV4, hexV5, hexV6, hexV7, hexM1), ledger(t)[:3]...), Atts: [][]byte{{1}}}
	b, err := EncodeFrame(real)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, b[lengthSize:])
	bad := sampleFrame()
	bad.Kind = 7
	b, _ = encode(bad)
	old, _ := encMode.Marshal(&Frame{Version: 1, Kind: KindEnd, Summary: &Summary{}})
	return append(out, b[lengthSize:], compress([]byte{0x9f, 0xff}), []byte("not zstd"), deflate(old))
}

// changesSeeds are the CBOR of packed changes, valid and broken.
func changesSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, chunks := range [][][]byte{
		unhex(t, hexV1, hexV2, hexV3, hexV4, hexV5, hexV6, hexV7),
		unhex(t, hexV8, hexM1, hexM4),
		ledger(t)[:5],
		{{1, 2, 3}},
	} {
		b, err := encMode.Marshal(packChunks(chunks))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	p := packChunks(unhex(t, hexV1, hexV2, hexV3))
	p.Heads[len(p.Heads)-1] ^= 1
	b, _ := encMode.Marshal(p)
	return append(out, b)
}

// requestSeeds are request bodies, valid and broken.
func requestSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, r := range []*Request{sampleRequest(), {Version: Version}} {
		b, err := EncodeRequest(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[lengthSize:])
	}
	bad := sampleRequest()
	bad.Spaces = append(bad.Spaces, bad.Spaces[0])
	b, _ := encode(bad)
	return append(out, b[lengthSize:], compress([]byte{0x82, 0x01}))
}

// wantDecodeErr fails unless err is one of the decoders' documented kinds.
func wantDecodeErr(t *testing.T, err error) {
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("decode error of no documented kind: %v", err)
	}
}

func FuzzDecodeFrame(f *testing.F) {
	for _, s := range frameSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fr, err := DecodeFrame(body)
		if err != nil {
			wantDecodeErr(t, err)
			return
		}
		b, err := EncodeFrame(fr)
		if errors.Is(err, ErrTooLarge) {
			return // recompressed differently, over the limit
		}
		if err != nil {
			t.Fatalf("a decoded frame does not encode: %v", err)
		}
		again, err := DecodeFrame(b[lengthSize:])
		if err != nil || !reflect.DeepEqual(again, fr) {
			t.Fatalf("re-encoded frame differs: %v", err)
		}
	})
}

// FuzzUnpackChanges feeds the packed changes of a frame, as they come out
// of the decompressor, to the decoder that rebuilds the chunks: it refuses
// with a documented error or rebuilds chunks that pack and unpack again to
// the same bytes.
func FuzzUnpackChanges(f *testing.F) {
	for _, s := range changesSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p packedChanges
		if err := decMode.Unmarshal(raw, &p); err != nil {
			return
		}
		chunks, err := unpackChunks(&p)
		if err != nil {
			wantDecodeErr(t, err)
			return
		}
		again, err := unpackChunks(packChunks(chunks))
		if err != nil || !reflect.DeepEqual(again, chunks) {
			t.Fatalf("rebuilt chunks do not survive packing again: %v", err)
		}
	})
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range requestSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeRequest(body)
		if err != nil {
			wantDecodeErr(t, err)
			return
		}
		b, err := EncodeRequest(r)
		if errors.Is(err, ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatalf("a decoded request does not encode: %v", err)
		}
		again, err := DecodeRequest(b[lengthSize:])
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("re-encoded request differs: %v", err)
		}
	})
}

// TestFuzzSeeds keeps the seed corpora in testdata/fuzz (rewritten with
// -update): every seed is a file the fuzz targets run as a regression test.
func TestFuzzSeeds(t *testing.T) {
	for target, seeds := range map[string][][]byte{"FuzzDecodeFrame": frameSeeds(t), "FuzzDecodeRequest": requestSeeds(t),
		"FuzzUnpackChanges": changesSeeds(t)} {
		dir := filepath.Join("testdata", "fuzz", target)
		if *update {
			writeSeeds(t, dir, seeds)
		}
		files, err := os.ReadDir(dir)
		if err != nil || len(files) < len(seeds) {
			t.Fatalf("%s: %d seed files, want %d (run with -update): %v", dir, len(files), len(seeds), err)
		}
	}
}

func writeSeeds(t *testing.T, dir string, seeds [][]byte) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range seeds {
		data := "go test fuzz v1\n[]byte(" + strconv.Quote(string(s)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
