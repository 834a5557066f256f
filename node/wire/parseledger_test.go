package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// ledgerChunks reads ../replicate/testdata/ledger-2000.zst: a ledger's
// create and 2,000 entries, one change each, made by the real Automerge
// core (the chunks a catch-up parses).
func ledgerChunks(b testing.TB) [][]byte {
	b.Helper()
	z, err := os.ReadFile("../replicate/testdata/ledger-2000.zst")
	if err != nil {
		b.Fatal(err)
	}
	d, err := zstd.NewReader(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	raw, err := d.DecodeAll(z, nil)
	if err != nil {
		b.Fatal(err)
	}
	var out [][]byte
	for len(raw) > 0 {
		n, k := binary.Uvarint(raw)
		if k <= 0 || n > uint64(len(raw)-k) {
			b.Fatal("ledger-2000.zst: bad length")
		}
		out = append(out, raw[k:k+int(n)])
		raw = raw[k+int(n):]
	}
	return out
}

// BenchmarkParseLedger parses a real ledger's 2,001 changes, as a
// catch-up's receiver does, and reports the time per change.
func BenchmarkParseLedger(b *testing.B) {
	cs := ledgerChunks(b)
	size := 0
	for _, c := range cs {
		size += len(c)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			if _, err := ParseChange(c); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(cs))/1e3, "µs/change")
}

// TestParseChangeOwned: ParseChangeOwned gives what ParseChange gives for
// every change of a real ledger, keeping the chunk itself as Raw, and
// refuses what ParseChange refuses.
func TestParseChangeOwned(t *testing.T) {
	for i, raw := range ledgerChunks(t) {
		want, err := ParseChange(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseChangeOwned(raw)
		if err != nil {
			t.Fatal(err)
		}
		if &got.Raw[0] != &raw[0] || &want.Raw[0] == &raw[0] {
			t.Fatalf("change %d: ParseChangeOwned copied the chunk, or ParseChange did not", i)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("change %d: %+v, want %+v", i, got, want)
		}
		bad := bytes.Clone(raw)
		bad[len(bad)-1] ^= 1
		if _, err := ParseChangeOwned(bad); !errors.Is(err, ErrChecksum) {
			t.Fatalf("change %d with its last byte changed: %v, want ErrChecksum", i, err)
		}
	}
}

// TestLEBOneByte: every one-byte LEB reads as its value, unsigned and
// signed (bit 6 the sign), through the readers' one-byte path.
func TestLEBOneByte(t *testing.T) {
	for c := range 0x80 {
		r := reader{b: []byte{byte(c)}}
		u, err := r.uleb()
		if err != nil || u != uint64(c) || r.left() != 0 {
			t.Fatalf("uleb(%#x) = %d, %v, %d left", c, u, err, r.left())
		}
		want := int64(c)
		if c >= 0x40 {
			want -= 0x80
		}
		r = reader{b: []byte{byte(c)}}
		s, err := r.sleb()
		if err != nil || s != want || r.left() != 0 {
			t.Fatalf("sleb(%#x) = %d, %v; want %d", c, s, err, want)
		}
	}
}
