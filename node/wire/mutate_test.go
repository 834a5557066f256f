package wire

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	am "github.com/automerge/automerge-go"
)

// sentinels are the error kinds ParseChange may return.
var sentinels = []error{ErrMagic, ErrChunkType, ErrChecksum, ErrTooLarge, ErrTruncated,
	ErrMalformed, ErrNotCanonical, ErrStartOp}

// realChunks returns the raw chunks of every real document in realDocs.
func realChunks(t testing.TB) [][]byte {
	var out [][]byte
	for _, tt := range realDocs() {
		for _, ch := range realDoc(t, tt.build).changes {
			out = append(out, ch.Save())
		}
	}
	return out
}

// mutate makes 1 to 3 random edits to body: overwrite, insert or delete a byte.
func mutate(rng *rand.Rand, body []byte) []byte {
	b := slices.Clone(body)
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			return b
		}
		i := rng.IntN(len(b))
		switch rng.IntN(4) {
		case 0:
			b = slices.Insert(b, i, byte(rng.IntN(256)))
		case 1:
			b = slices.Delete(b, i, i+1)
		case 2:
			b[i] ^= 1 << rng.IntN(8)
		default:
			b[i] = []byte{0x00, 0x01, 0x7f, 0x80, 0xff}[rng.IntN(5)]
		}
	}
	return b
}

// checkResult checks the parser's result on any input: an error of exactly
// one known kind, or a change within every limit.
func checkResult(t testing.TB, in []byte, c *Change, err error) {
	t.Helper()
	if err != nil {
		kinds := 0
		for _, s := range sentinels {
			if errors.Is(err, s) {
				kinds++
			}
		}
		if kinds != 1 || c != nil {
			t.Fatalf("error %v matches %d kinds (change %v)", err, kinds, c)
		}
		return
	}
	if c.Ops > MaxOps || c.StartOp == 0 || c.StartOp > MaxStartOp || c.MaxOp() > MaxOpCounter ||
		len(c.Deps) > MaxDeps || len(c.OtherActors) > MaxOtherActors || len(c.Actor) == 0 ||
		len(c.Actor) > MaxActorLen || len(c.Message) > MaxMessage || c.Seq == 0 || string(c.Raw) != string(in) {
		t.Fatalf("accepted change outside the limits: %+v", c)
	}
}

func TestParseChangeMutations(t *testing.T) {
	chunks := realChunks(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var accepted, refused int
	for i := range 20_000 {
		raw := chunks[i%len(chunks)]
		in := encodeChunk(1, mutate(rng, body(t, raw)))
		c, err := ParseChange(in)
		checkResult(t, in, c, err)
		if err == nil {
			accepted++
		} else {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("no mutant was refused")
	}
	t.Logf("%d mutants accepted, %d refused", accepted, refused)
}

// setStartOp re-encodes a real change with another startOp and a valid checksum.
func setStartOp(t testing.TB, raw []byte, startOp uint64) []byte {
	t.Helper()
	c, err := ParseChange(raw)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, raw)
	off := len(uleb(uint64(len(c.Deps)))) + 32*len(c.Deps) + len(uleb(uint64(len(c.Actor)))) +
		len(c.Actor) + len(uleb(c.Seq))
	old := len(uleb(c.StartOp))
	return encodeChunk(1, slices.Concat(b[:off], uleb(startOp), b[off+old:]))
}

func TestStartOpPoison(t *testing.T) {
	h := realDoc(t, func(t testing.TB, d *am.Doc) {
		must(t, d.Path("k").Set("v"))
		commit(t, d, "one op")
	})
	raw := h.changes[0].Save()
	tests := []struct {
		name    string
		startOp uint64
		want    error
	}{
		{"as made", 1, nil},
		{"2^31-1", MaxStartOp, nil},
		{"2^31", 1 << 31, ErrStartOp},
		{"2^32-2 poison", 1<<32 - 2, ErrStartOp},
		{"2^32-1", 1<<32 - 1, ErrStartOp},
		{"2^32", 1 << 32, ErrStartOp},
		{"0", 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseChange(setStartOp(t, raw, tt.startOp))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseChange error %v, want %v", err, tt.want)
			}
			if err == nil && c.StartOp != tt.startOp {
				t.Fatalf("startOp %d, want %d", c.StartOp, tt.startOp)
			}
		})
	}
}

func TestCheckStartOp(t *testing.T) {
	tests := []struct {
		name    string
		startOp uint64
		ops     uint64
		reach   uint64
		ok      bool
	}{
		{"first change", 1, 3, 0, true},
		{"follows", 8, 0, 7, true},
		{"gap", 9, 1, 7, false},
		{"overlap", 7, 1, 7, false},
		{"no deps but not 1", 2, 1, 0, false},
		{"reach at the limit", MaxStartOp, 1, MaxStartOp - 1, true},
		{"reach past the limit", 1, 1, 1<<64 - 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStartOp(&Change{StartOp: tt.startOp, Ops: tt.ops}, tt.reach)
			if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrStartOp) {
				t.Fatalf("CheckStartOp = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
