package seal

import (
	"bytes"
	"crypto/rand"
	"math"
	"strings"
	"testing"
)

// TestAttestationEncodingAgrees: Marshal's direct encoding is the bytes
// encMode makes of attestWire, for IDs and fields of every length class,
// nil and empty byte strings, seqs at each width boundary and IDs that are
// not valid UTF-8 (left to encMode).
func TestAttestationEncodingAgrees(t *testing.T) {
	lengths := []int{0, 1, 23, 24, 255, 256, 65535, 65536}
	seqs := []uint64{0, 1, 23, 24, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64}
	bs := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	var cases []Attestation
	for _, n := range lengths {
		for _, seq := range seqs {
			cases = append(cases, Attestation{Space: strings.Repeat("s", n), Doc: strings.Repeat("é", n/2),
				Actor: bs(n), Seq: seq, Hash: [32]byte(bs(32)), Signer: bs(n), Sig: bs(64)})
		}
	}
	cases = append(cases,
		Attestation{}, // nil byte strings
		Attestation{Actor: []byte{}, Signer: []byte{}, Sig: []byte{}}, // empty ones
		Attestation{Space: "\xff\xfe", Doc: "d", Actor: bs(16)},       // not UTF-8
		Attestation{Space: "s", Doc: "a\x80b", Actor: bs(16)},
	)
	for i, a := range cases {
		got, want := a.Marshal(), a.marshalWire()
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d (space %d bytes, seq %d): Marshal %x, encMode %x", i, len(a.Space), a.Seq, got[:min(len(got), 48)], want[:min(len(want), 48)])
		}
	}
}

// FuzzAttestationEncodingAgrees: for any fields, Marshal and encMode agree.
func FuzzAttestationEncodingAgrees(f *testing.F) {
	f.Add("space", "doc", []byte("actor-0123456789"), uint64(7), []byte("signer"), []byte("sig"))
	f.Add("", "\xff", []byte{}, uint64(math.MaxUint64), []byte(nil), []byte(nil))
	f.Fuzz(func(t *testing.T, space, doc string, actor []byte, seq uint64, signer, sig []byte) {
		a := Attestation{Space: space, Doc: doc, Actor: actor, Seq: seq, Signer: signer, Sig: sig}
		if got, want := a.Marshal(), a.marshalWire(); !bytes.Equal(got, want) {
			t.Fatalf("Marshal %x, encMode %x", got, want)
		}
	})
}

// BenchmarkAttestationMarshal times Marshal and encMode's encoding of a
// typical attestation.
func BenchmarkAttestationMarshal(b *testing.B) {
	a := Attestation{Space: "3ym5dy2p3ls6patmhy36ybr76a", Doc: "zyxwvutsrqponmlkjihgfedcba", Actor: make([]byte, ActorSize),
		Seq: 1, Signer: make([]byte, 32), Sig: make([]byte, 64)}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			a.Marshal()
		}
	})
	b.Run("encmode", func(b *testing.B) {
		for b.Loop() {
			a.marshalWire()
		}
	})
}
