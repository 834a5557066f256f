package wire

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzKey is the key the bundle fuzz target and its seeds use.
var fuzzKey = bytes.Repeat([]byte{7}, 32)

// testBundle seals entries (the last one final) under key.
func testBundle(t testing.TB, key []byte, entries ...BundleEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	bw, err := NewBundleWriter(&buf, key)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		b, err := EncodeBundleEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		if i == len(entries)-1 {
			err = bw.Close(b)
		} else {
			err = bw.Write(b)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func sampleEntries() []BundleEntry {
	return []BundleEntry{
		{Kind: EntrySpace, Space: "space", Name: "Housing", Epoch: make([]byte, 32)},
		{Kind: EntryOp, Op: []byte{1, 2, 3}},
		{Kind: EntryDoc, Doc: "doc", DocType: "ledger"},
		{Kind: EntryChanges, Doc: "doc", Chunks: [][]byte{[]byte("chunk")}, Atts: [][]byte{[]byte("att")}},
		{Kind: EntrySig, Signer: []byte("signer"), Sig: []byte("sig")},
	}
}

func readAll(data, key []byte) ([][]byte, [32]byte, error) {
	r := bytes.NewReader(data)
	h, err := ReadBundleHeader(r)
	if err != nil {
		return nil, [32]byte{}, err
	}
	if !h.Opens(key) {
		return nil, [32]byte{}, ErrBundle
	}
	return ReadBundle(r, h, key)
}

func TestBundleRoundTrip(t *testing.T) {
	data := testBundle(t, fuzzKey, sampleEntries()...)
	entries, digest, err := readAll(data, fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 || digest == ([32]byte{}) {
		t.Fatalf("%d entries, digest %x", len(entries), digest)
	}
	for i, raw := range entries {
		e, err := DecodeBundleEntry(raw)
		if err != nil || e.Kind != sampleEntries()[i].Kind {
			t.Fatalf("entry %d: %+v, %v", i, e, err)
		}
	}
	if again := testBundle(t, fuzzKey, sampleEntries()...); bytes.Equal(again[:BundleHeaderSize], data[:BundleHeaderSize]) {
		t.Fatal("two bundles share a header: the tag would link them")
	}
}

func TestBundleRefusesDamage(t *testing.T) {
	data := testBundle(t, fuzzKey, sampleEntries()...)
	t.Run("every truncation", func(t *testing.T) {
		for n := 0; n < len(data); n++ {
			if _, _, err := readAll(data[:n], fuzzKey); !errors.Is(err, ErrBundle) {
				t.Fatalf("truncated to %d bytes: %v", n, err)
			}
		}
	})
	t.Run("every flipped byte", func(t *testing.T) {
		for i := range data {
			x := bytes.Clone(data)
			x[i] ^= 1
			if _, _, err := readAll(x, fuzzKey); err == nil {
				t.Fatalf("byte %d flipped: accepted", i)
			}
		}
	})
	t.Run("another key", func(t *testing.T) {
		if _, _, err := readAll(data, make([]byte, 32)); !errors.Is(err, ErrBundle) {
			t.Fatalf("another key: %v", err)
		}
	})
	t.Run("oversized entry length", func(t *testing.T) {
		x := bytes.Clone(data[:BundleHeaderSize])
		x = append(x, 0xff, 0xff, 0xff, 0xff)
		if _, _, err := readAll(x, fuzzKey); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("oversized: %v", err)
		}
	})
}

func TestDecodeBundleEntryRefuses(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"unknown kind", mustEncode(t, BundleEntry{Kind: 9})},
		{"unknown field", []byte{0xa2, 0x00, 0x01, 0x18, 0x63, 0x00}},
		{"not cbor", []byte("weft")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeBundleEntry(tt.b); !errors.Is(err, ErrBundle) {
				t.Fatalf("decode: %v", err)
			}
		})
	}
}

func mustEncode(t *testing.T, e BundleEntry) []byte {
	b, err := EncodeBundleEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzImportBundle feeds arbitrary bytes to the bundle reader and entry
// decoder: they must never panic, and what opens must decode or fail
// cleanly.
func FuzzImportBundle(f *testing.F) {
	f.Add(testBundle(f, fuzzKey, sampleEntries()...))
	f.Add([]byte(bundleMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _, err := readAll(data, fuzzKey)
		if err != nil {
			return
		}
		for _, e := range entries {
			_, _ = DecodeBundleEntry(e)
		}
	})
}
