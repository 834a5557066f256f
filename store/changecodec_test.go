package store

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// codecCases are changes at the edges of every field's encoding: nil and
// empty slices, lengths and integers at each head size's bounds, negative
// times, and random ones.
func codecCases() []Change {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 23, 24, 255, 256, 65535, 65536}
	ints := []uint64{0, 1, 23, 24, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64, math.MaxUint64}
	times := []int64{0, 1, -1, -24, -25, -256, -257, math.MinInt64, math.MaxInt64, 1700000000000}
	out := []Change{{}, {Actor: []byte{}, Deps: [][32]byte{}, Raw: []byte{}}}
	for i, n := range sizes {
		var c Change
		c.Doc = strings.Repeat("d", n)
		c.Message = strings.Repeat("é", n/2)
		c.Actor = bytes.Repeat([]byte{byte(i)}, n)
		c.Raw = bytes.Repeat([]byte{0xab}, n)
		c.Deps = make([][32]byte, min(n, 300))
		for k := range c.Deps {
			c.Deps[k][0], c.Deps[k][31] = byte(k), byte(i)
		}
		out = append(out, c)
	}
	for i, v := range ints {
		out = append(out, Change{Seq: v, StartOp: ints[(i+3)%len(ints)], MaxOp: ints[(i+7)%len(ints)], Time: times[i%len(times)]})
	}
	for _, t := range times {
		out = append(out, Change{Time: t, Doc: "x", Raw: []byte("r")})
	}
	for range 200 {
		c := Change{Doc: randString(rng, 40), Seq: rng.Uint64() >> rng.IntN(64), StartOp: rng.Uint64() >> rng.IntN(64),
			MaxOp: rng.Uint64() >> rng.IntN(64), Time: int64(rng.Uint64()), Message: randString(rng, 30)}
		fill(rng, c.Hash[:])
		if rng.IntN(4) > 0 {
			c.Actor = make([]byte, rng.IntN(33))
			fill(rng, c.Actor)
		}
		if rng.IntN(4) > 0 {
			c.Raw = make([]byte, rng.IntN(600))
			fill(rng, c.Raw)
		}
		if rng.IntN(4) > 0 {
			c.Deps = make([][32]byte, rng.IntN(4))
			for k := range c.Deps {
				fill(rng, c.Deps[k][:])
			}
		}
		out = append(out, c)
	}
	return out
}

func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}

func randString(rng *rand.Rand, n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzé€𝄞"
	r := []rune(letters)
	var b strings.Builder
	for range rng.IntN(n) {
		b.WriteRune(r[rng.IntN(len(r))])
	}
	return b.String()
}

// TestChangeCodecMatchesCBOR: marshalChange writes exactly the bytes
// encMode.Marshal writes for every case, and unmarshalRow reads them back
// into exactly what cbor.Unmarshal gives (nil and empty slices told
// apart), taking the hand-written path.
func TestChangeCodecMatchesCBOR(t *testing.T) {
	for i, c := range codecCases() {
		want, err := encMode.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got := marshalChange(c)
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d: marshalChange\n%x\nencMode.Marshal\n%x", i, got, want)
		}
		var viaCBOR, viaHand Change
		if err := cbor.Unmarshal(want, &viaCBOR); err != nil {
			t.Fatal(err)
		}
		if !unmarshalChange(want, &viaHand) {
			t.Fatalf("case %d: unmarshalChange refused what marshalChange wrote", i)
		}
		if !reflect.DeepEqual(viaHand, viaCBOR) {
			t.Fatalf("case %d: unmarshalChange gave\n%+v\ncbor.Unmarshal\n%+v", i, viaHand, viaCBOR)
		}
		if !reflect.DeepEqual(viaCBOR, c) && c.Actor != nil && c.Raw != nil && c.Deps != nil {
			t.Fatalf("case %d: round trip gave %+v, want %+v", i, viaCBOR, c)
		}
	}
}

// TestChangeCodecOtherForms: bytes not in marshalChange's form (a longer
// head, an indefinite length, a wrong type, a truncation or extra byte at
// every position, a byte changed anywhere) are read as cbor.Unmarshal
// reads them: the same change or the same refusal, never a panic.
func TestChangeCodecOtherForms(t *testing.T) {
	c := Change{Doc: "doc", Actor: []byte("actor"), Seq: 300, StartOp: 24, MaxOp: 70000, Deps: [][32]byte{{1}, {2}},
		Time: -1700000000000, Message: "m", Raw: []byte("raw bytes")}
	canon := marshalChange(c)
	var variants [][]byte
	// Seq (300) written with a 4-byte head instead of 2.
	at := bytes.Index(canon, []byte{0x19, 0x01, 0x2c})
	if at < 0 {
		t.Fatal("seq's head not found")
	}
	long := append(append(append([]byte{}, canon[:at]...), 0x1a, 0, 0, 0x01, 0x2c), canon[at+3:]...)
	variants = append(variants, long)
	// The message as an indefinite-length text string.
	at = bytes.Index(canon, []byte{0x61, 'm'})
	indef := append(append(append([]byte{}, canon[:at]...), 0x7f, 0x61, 'm', 0xff), canon[at+2:]...)
	variants = append(variants, indef)
	for i := range canon {
		variants = append(variants, canon[:i])
		for _, x := range []byte{0x00, 0xff, canon[i] ^ 0x20, canon[i] + 1} {
			v := bytes.Clone(canon)
			v[i] = x
			variants = append(variants, v)
		}
	}
	variants = append(variants, append(bytes.Clone(canon), 0))
	for i, v := range variants {
		var want, got Change
		wantErr := cbor.Unmarshal(v, &want)
		gotErr := unmarshalRow(v, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("variant %d (%x): unmarshalRow %v, cbor.Unmarshal %v", i, v, gotErr, wantErr)
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("variant %d (%x): unmarshalRow gave %+v, cbor.Unmarshal %+v", i, v, got, want)
		}
	}
	var got Change
	if unmarshalChange(long, &got) || unmarshalChange(indef, &got) {
		t.Fatal("the hand-written reader took a form marshalChange does not write")
	}
}

// BenchmarkChangeCodec compares encoding and decoding a ledger entry's row
// by hand and through the CBOR library.
func BenchmarkChangeCodec(b *testing.B) {
	c := Change{Doc: "01JBX8Q5Z3W8Y6T2R4N7M9K1H0", Actor: bytes.Repeat([]byte{7}, 16), Seq: 5000, StartOp: 60000,
		MaxOp: 60012, Deps: [][32]byte{{1}}, Time: 1700000000000, Raw: bytes.Repeat([]byte{0x55}, 420)}
	plain := marshalChange(c)
	b.Run("marshal/hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			marshalChange(c)
		}
	})
	b.Run("marshal/cbor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encMode.Marshal(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unmarshal/hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out Change
			if !unmarshalChange(plain, &out) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("unmarshal/cbor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out Change
			if err := cbor.Unmarshal(plain, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
