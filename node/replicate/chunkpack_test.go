package replicate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/weftsync/weft/node/wire"
)

// ledgerChunks reads testdata/ledger-2000.zst: a ledger's create and 2,000
// entries, one change each, made by the real Automerge core
// (testdata/genledger).
var ledgerChunks = sync.OnceValues(func() ([][]byte, error) {
	z, err := os.ReadFile("testdata/ledger-2000.zst")
	if err != nil {
		return nil, err
	}
	b, err := zdec.DecodeAll(z, make([]byte, 0, 1<<20))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errors.New("testdata/ledger-2000.zst: bad length")
		}
		out = append(out, b[k:k+int(n)])
		b = b[k+int(n):]
	}
	return out, nil
})

func ledger(t testing.TB) [][]byte {
	t.Helper()
	cs, err := ledgerChunks()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2001 {
		t.Fatalf("%d chunks in testdata/ledger-2000.zst, want 2001", len(cs))
	}
	return cs
}

// The vectors of notes/automerge-chunk-format.md §14: a history of two
// actors with other actors, concurrent changes and a merge of two deps.
const (
	hexV1 = "856f4a8394549cee01400010aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa010180d095ffbc3104696e697400061507340142025602570570027f057469746c65017f017f5668656c6c6f7f00"
	hexV2 = "856f4a836594914e01700194549cee90cdb084d07ba9b5645e20b40906db8c90be62d0bddc81ec9a6cdc0a10aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02020000000a0104020411041305150534024204560457027002000102000001020200027f0000017e00037f016c000201027f0202017f00021401020300"
	hexV3 = "856f4a832ee5f69f017f016594914ed609919c89213f912752437b4750f4fc16e7de8241bf658109f0461810bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb0105f4d395ffbc31000110aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0b01020202110413033402420356035701700371027302020102027f0100017e037d01017e03017e0016787e01007f017f03"
	hexV4 = "856f4a831ac4ccea014f016594914ed609919c89213f912752437b4750f4fc16e7de8241bf658109f0461810aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0305000000061503340142025602570170027f0163017f017f18007f00"
	hexV5 = "856f4a83361b1b620157011ac4ccea8494c087897c79a821a295a4286a8b464a80cebc43744c53aeefb65e10aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa040600000008150334014202560257017002710273027f0163017f057f147e7f017f007f05"
	hexV6 = "856f4a8335b2d2230176022ee5f69f2d6673e824a892a020ea0cbf6f210cfcfe5b70c093d4fd3ac3433c7a361b1b62bb99a6b0d02497115398a140526116ccd7c6ea9bda161b49e7a5f8b110aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0507e8d795ffbc31056d657267650005150334014202560270027f016d017f017f027f00"
	hexV7 = "856f4a8302ed6f20013d0135b2d2238cc628066deeb7d48a4f332da6fcd08d860179167e7cfb026d53370210aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa06080005656d7074790000"
	// V8 depends on a change not given (a hash no chunk of a frame has).
	hexV8 = "856f4a839d0e0d2e01860101a5c23b3f4dca4761218017217371dd51a0210c92d5bf49f2b8362fe9eb35fa7a10cccccccccccccccccccccccccccccccc03924ed0df95ffbc310a64656c6574652031306b000a010402041104130634024204560470047104730690ce000090ce000190ce00007f028fce0001904e90ce000390ce000090ce000190ce00007f028fce0001"
	// M1 is V1 with a bad checksum; M4 is V1 cut short.
	hexM1 = "856f4a8394549cee01400010aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa010180d095ffbc3104696e697400061507340142025602570570027f057469746c65017f017f5668656c6c6f7f01"
	hexM4 = "856f4a8394549cee01400010aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa010180d095ffbc3104696e697400061507340142025602570570027f057469746c65017f017f5668656c6c6f7f"
)

func unhex(t testing.TB, hs ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, h := range hs {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// overlong re-encodes V1 with its seq as the overlong uLEB 81 00 and a
// valid checksum: a chunk the packer cannot rebuild byte for byte.
func overlong(t testing.TB) []byte {
	t.Helper()
	v1 := unhex(t, hexV1)[0]
	h, _, err := splitChange(v1)
	if err != nil {
		t.Fatal(err)
	}
	body := rebuildBody(h)
	i := bytes.Index(body, []byte{0x01, 0x01, 0x80, 0xd0}) // seq 1, startOp 1, time…
	if i < 0 {
		t.Fatal("seq not found in V1")
	}
	body = append(body[:i:i], append([]byte{0x81, 0x00}, body[i+1:]...)...)
	c := frameChange(body, changeHash(body))
	if _, err := wire.ParseChange(c); err == nil {
		t.Fatal("wire parses an overlong seq")
	}
	return c
}

// forms counts the chunks of p in change form.
func forms(t *testing.T, p *packedChanges) int {
	t.Helper()
	r := strict{b: p.Heads}
	n := 0
	var table [][]byte
	hashes := make([][32]byte, len(p.Bodies))
	formed := make([]bool, len(p.Bodies))
	for i := range p.Bodies {
		form, err := r.byte()
		if err != nil {
			t.Fatal(err)
		}
		if form == formChange {
			n++
			var h changeHeader
			if err := readRecord(&r, i, p.Bodies[i], hashes, formed, &table, map[string]prev{}, &h); err != nil {
				t.Fatalf("chunk %d: %v", i, err)
			}
			hashes[i], formed[i] = changeHash(rebuildBody(&h)), true
		}
	}
	return n
}

// roundTrip packs chunks, unpacks them and fails unless every chunk comes
// back byte for byte, with the same change hash where it is a change.
func roundTrip(t *testing.T, chunks [][]byte) *packedChanges {
	t.Helper()
	p := packChunks(chunks)
	got, err := unpackChunks(p)
	if err != nil {
		t.Fatalf("unpack: %v", err)
	}
	if len(got) != len(chunks) {
		t.Fatalf("%d chunks back, want %d", len(got), len(chunks))
	}
	for i := range chunks {
		if !bytes.Equal(got[i], chunks[i]) {
			t.Fatalf("chunk %d rebuilt differently:\n got %x\nwant %x", i, got[i], chunks[i])
		}
		want, werr := wire.ParseChange(chunks[i])
		c, err := wire.ParseChange(got[i])
		if (werr == nil) != (err == nil) || werr == nil && c.Hash != want.Hash {
			t.Fatalf("chunk %d: hash or validity differs after the round trip (%v, %v)", i, werr, err)
		}
	}
	return p
}

func TestPackRoundTripLedger(t *testing.T) {
	cs := ledger(t)
	p := roundTrip(t, cs)
	if n := forms(t, p); n != len(cs) {
		t.Fatalf("%d of %d chunks in change form, want all", n, len(cs))
	}
	raw := contentSize(changesOf(cs))
	packed := len(p.Heads)
	for _, b := range p.Bodies {
		packed += len(b)
	}
	// Every change but the first has one dependency, on the change before:
	// its 32 bytes and the envelope's 9 or more go.
	if saved := raw - packed; saved < 40*(len(cs)-1) {
		t.Fatalf("packing saves %d bytes of %d, want at least 40 a change", saved, raw)
	}
}

func changesOf(chunks [][]byte) []Change {
	out := make([]Change, len(chunks))
	for i, c := range chunks {
		out[i] = Change{Raw: c}
	}
	return out
}

func TestPackRoundTripVectors(t *testing.T) {
	tests := []struct {
		name    string
		chunks  [][]byte
		changes int // chunks in change form
	}{
		{"a history of two actors with a merge", unhex(t, hexV1, hexV2, hexV3, hexV4, hexV5, hexV6, hexV7), 7},
		{"a dependency outside the frame", unhex(t, hexV8, hexV1), 2},
		{"dependencies listed after their dependents", unhex(t, hexV7, hexV6, hexV5, hexV4, hexV3, hexV2, hexV1), 7},
		{"the same change twice", unhex(t, hexV1, hexV1, hexV2), 3},
		{"a bad checksum and a cut chunk go literally", unhex(t, hexV1, hexM1, hexM4, hexV2), 2},
		{"anything else goes literally", [][]byte{{1, 2, 3}, {}, make([]byte, 40)}, 0},
		{"an overlong integer goes literally", [][]byte{overlong(t)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := roundTrip(t, tt.chunks)
			if n := forms(t, p); n != tt.changes {
				t.Fatalf("%d chunks in change form, want %d", n, tt.changes)
			}
		})
	}
}

// TestPackBackReferences: the merge V6 refers to its two deps by position,
// and V8's dependency, which no chunk of the frame has, goes whole.
func TestPackBackReferences(t *testing.T) {
	v := unhex(t, hexV1, hexV2, hexV3, hexV4, hexV5, hexV6)
	p := packChunks(v)
	if bytes.Contains(p.Heads, v[2][4:8]) || bytes.Contains(p.Heads, unhex(t, hexV5)[0][4:8]) {
		t.Fatal("the heads carry a dependency hash the frame holds")
	}
	p = packChunks(unhex(t, hexV8))
	dep, _ := hex.DecodeString("a5c23b3f4dca4761218017217371dd51a0210c92d5bf49f2b8362fe9eb35fa7a")
	if !bytes.Contains(p.Heads, dep) {
		t.Fatal("V8's dependency outside the frame is not carried whole")
	}
}

// records is a valid packed frame of the V1…V6 history and where each
// record of its heads starts.
func records(t *testing.T) (*packedChanges, []int) {
	t.Helper()
	p := packChunks(unhex(t, hexV1, hexV2, hexV3, hexV4, hexV5, hexV6))
	var starts []int
	r := strict{b: p.Heads}
	var table [][]byte
	hashes := make([][32]byte, len(p.Bodies))
	formed := make([]bool, len(p.Bodies))
	for i := range p.Bodies {
		starts = append(starts, r.off)
		r.byte()
		var h changeHeader
		if err := readRecord(&r, i, p.Bodies[i], hashes, formed, &table, map[string]prev{}, &h); err != nil {
			t.Fatal(err)
		}
		hashes[i], formed[i] = changeHash(rebuildBody(&h)), true
	}
	return p, starts
}

func TestUnpackRefuses(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *packedChanges, starts []int)
		want   error
		says   string
	}{
		{"tampered back-reference", func(p *packedChanges, s []int) {
			// V2's record: form, 1 dep, ref 1 (V1). Point it at nothing
			// else it could: V3's dep (V2) made to refer two back (V1).
			if p.Heads[s[2]+2] != 1 {
				t.Fatalf("V3's ref is %d, want 1", p.Heads[s[2]+2])
			}
			p.Heads[s[2]+2] = 2
		}, ErrMalformed, "do not hash to the frame's digest"},
		{"back-reference before the frame", func(p *packedChanges, s []int) { p.Heads[s[1]+2] = 5 }, ErrMalformed, "before the frame"},
		{"back-reference to a literal chunk", func(p *packedChanges, s []int) {
			p.Heads[s[0]] = formLiteral
			p.Heads = append(p.Heads[:s[0]+1:s[0]+1], p.Heads[s[1]:]...)
			p.Bodies[0] = unhex(t, hexV1)[0]
		}, ErrMalformed, "not in change form"},
		{"actor outside the table", func(p *packedChanges, s []int) { p.Heads[s[1]+3] = 7 }, ErrMalformed, "actor 7"},
		{"unknown form", func(p *packedChanges, s []int) { p.Heads[s[3]] = 9 }, ErrMalformed, "form 9"},
		{"cut records", func(p *packedChanges, s []int) { p.Heads = p.Heads[:s[5]+3] }, ErrMalformed, "past the end"},
		{"bytes after the records", func(p *packedChanges, s []int) { p.Heads = append(p.Heads, 0) }, ErrMalformed, "after the last record"},
		{"a body too few", func(p *packedChanges, s []int) { p.Bodies = p.Bodies[:5] }, ErrMalformed, "after the last record"},
		{"overlong integer", func(p *packedChanges, s []int) {
			p.Heads = append(p.Heads[:s[1]+1:s[1]+1], append([]byte{0x81, 0x00}, p.Heads[s[1]+2:]...)...)
		}, ErrMalformed, "shortest form"},
		{"short digest", func(p *packedChanges, s []int) { p.Digest = p.Digest[:15] }, ErrMalformed, "digest of 15 bytes"},
		{"changed body", func(p *packedChanges, s []int) { p.Bodies[4] = append([]byte{}, p.Bodies[4]...); p.Bodies[4][0] ^= 1 },
			ErrMalformed, "digest"},
		{"too many deps", func(p *packedChanges, s []int) {
			p.Heads = append(p.Heads[:s[1]+1:s[1]+1], append(binary.AppendUvarint(nil, wire.MaxDeps+1), p.Heads[s[1]+2:]...)...)
		}, ErrMalformed, "deps, over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, starts := records(t)
			tt.mutate(p, starts)
			_, err := unpackChunks(p)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("unpack: %v, want %v saying %q", err, tt.want, tt.says)
			}
		})
	}
}

// TestUnpackBoundsExpansion: back-references of a byte or two that would
// rebuild to more than MaxDecompressed of dependency hashes are refused
// once the rebuilt bytes pass the cap.
func TestUnpackBoundsExpansion(t *testing.T) {
	v1 := unhex(t, hexV1)[0]
	h, _, err := splitChange(v1)
	if err != nil {
		t.Fatal(err)
	}
	heads := []byte{formChange, 0, 0, 16} // no deps, a new actor of 16 bytes
	heads = append(heads, h.actor...)
	heads = append(heads, 0, 2, 0) // seq 1, startOp 1, time 0
	bodies := [][]byte{h.rest}
	n := MaxDecompressed/(wire.MaxDeps*32) + 2
	for i := 1; i < n; i++ {
		heads = append(heads, formChange)
		heads = binary.AppendUvarint(heads, wire.MaxDeps)
		for range wire.MaxDeps {
			heads = append(heads, 1) // the chunk before, over and over
		}
		heads = append(heads, 1, 0, 2, 0)
		bodies = append(bodies, h.rest)
	}
	digest := sha256.Sum256(nil)
	_, err = unpackChunks(&packedChanges{Heads: heads, Bodies: bodies, Digest: digest[:digestSize]})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("unpack of %d bytes of records rebuilding to %d MiB: %v, want ErrTooLarge",
			len(heads), n*wire.MaxDeps*32>>20, err)
	}
}

// TestFrameOfChangesRoundTrip: a frame of the ledger's changes goes through
// EncodeFrame and DecodeFrame unchanged, smaller than its dependency hashes
// alone.
func TestFrameOfChangesRoundTrip(t *testing.T) {
	cs := ledger(t)
	f := &Frame{Version: Version, Kind: KindChanges, Space: "s", Doc: "d", Type: "ledger", Chunks: cs, Atts: [][]byte{{1}}}
	b, err := EncodeFrame(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFrame(body(t, b))
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		if !bytes.Equal(got.Chunks[i], cs[i]) {
			t.Fatalf("chunk %d differs", i)
		}
	}
	if deps := 32 * (len(cs) - 1); len(b) >= deps {
		t.Fatalf("a frame of %d changes is %d bytes: not less than their %d bytes of dependency hashes", len(cs), len(b), deps)
	}
}
