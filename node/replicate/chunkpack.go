package replicate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/weftsync/weft/node/wire"
)

// A frame of changes (format 2) carries its chunks packed: the bytes a
// receiver can rebuild are left out, and the header fields that repeat
// from change to change are written as small numbers, so that zstd sees
// what is left of each chunk side by side.
//
// For each chunk, heads holds a record and bodies one byte string:
//
//	form 0 (literal): nothing more in heads; bodies[i] is the whole chunk.
//	form 1 (change):  uLEB D, then D dependencies, each a uLEB r:
//	                      r = 0: the 32-byte hash follows in heads;
//	                      r ≥ 1: the hash of chunk i−r of this frame,
//	                             which must be in change form;
//	                  uLEB a: a = 0: a new actor follows in heads (uLEB
//	                      length, 1 to wire.MaxActorLen, then its bytes)
//	                      and joins the frame's actor table;
//	                      a ≥ 1: entry a−1 of that table;
//	                  uLEB zigzag(seq − (p.seq + 1)),
//	                  uLEB zigzag(startOp − p.startOp),
//	                  uLEB zigzag(time − p.time),
//	                  where p is this actor's previous change in the frame
//	                  (zero for its first), in wrapping 64-bit arithmetic;
//	                  bodies[i] is the rest of the change body (message,
//	                  other actors, columns, extra bytes), verbatim.
//
// The receiver rebuilds a change-form chunk exactly as Automerge writes
// it: the change body is uLEB(D) ‖ deps ‖ uLEB(len actor) ‖ actor ‖
// uLEB(seq) ‖ uLEB(startOp) ‖ sLEB(time) ‖ rest, and the chunk is
// magic ‖ hash[0:4] ‖ 0x01 ‖ uLEB(len body) ‖ body, where hash =
// SHA-256(0x01 ‖ uLEB(len body) ‖ body) is the change hash. digest is
// the first digestSize bytes of SHA-256 over the hashes of the
// change-form chunks in order: the receiver refuses the frame unless the
// chunks it rebuilt hash to it.
//
// The sender puts a chunk in change form only when rebuilding gives back
// its exact bytes (a canonical type-1 chunk with a valid checksum); any
// other chunk goes literally, to be judged by the receiver's ingest.
type packedChanges struct {
	_      struct{} `cbor:",toarray"`
	Heads  []byte
	Bodies [][]byte
	Digest []byte
}

// digestSize is the length of a frame's digest. It guards against a
// rebuild that differs by mistake (a bug, corrupted memory), for which 128
// bits are ample; against a hostile sender no digest helps, since it
// chooses the chunks anyway, and ingest checks each one as if sent whole.
// Frames of one small document carry one change, so 16 bytes it is, not 32.
const digestSize = 16

// Chunk forms in heads.
const (
	formLiteral = 0
	formChange  = 1
)

// chunkMagic starts every Automerge chunk.
var chunkMagic = [4]byte{0x85, 0x6f, 0x4a, 0x83}

// chunkTypeChange is the chunk type of an uncompressed change.
const chunkTypeChange = 0x01

// errNotPackable: a chunk the packer carries literally.
var errNotPackable = errors.New("not a canonical change chunk")

// changeHeader is what a change-form record carries of a chunk.
type changeHeader struct {
	deps    [][32]byte
	actor   []byte
	seq     uint64
	startOp uint64
	time    int64
	rest    []byte // aliases the chunk
}

// prev is, per actor, its previous change's fields in the frame.
type prev struct{ seq, startOp, time uint64 }

// packChunks packs chunks; it never fails: a chunk it cannot rebuild
// goes literally.
func packChunks(chunks [][]byte) *packedChanges {
	p := &packedChanges{Bodies: make([][]byte, len(chunks))}
	index := map[[32]byte]int{} // change hash -> chunk index, change form only
	actors := map[string]int{}  // actor -> table index + 1
	last := map[string]prev{}
	digest := sha256.New()
	var heads []byte
	for i, c := range chunks {
		h, hash, err := splitChange(c)
		if err != nil {
			heads = append(heads, formLiteral)
			p.Bodies[i] = c
			continue
		}
		heads = append(heads, formChange)
		heads = binary.AppendUvarint(heads, uint64(len(h.deps)))
		for _, d := range h.deps {
			if j, ok := index[d]; ok {
				heads = binary.AppendUvarint(heads, uint64(i-j))
			} else {
				heads = append(heads, 0)
				heads = append(heads, d[:]...)
			}
		}
		if a, ok := actors[string(h.actor)]; ok {
			heads = binary.AppendUvarint(heads, uint64(a))
		} else {
			actors[string(h.actor)] = len(actors) + 1
			heads = append(heads, 0)
			heads = binary.AppendUvarint(heads, uint64(len(h.actor)))
			heads = append(heads, h.actor...)
		}
		pr := last[string(h.actor)]
		heads = binary.AppendUvarint(heads, zigzag(h.seq-(pr.seq+1)))
		heads = binary.AppendUvarint(heads, zigzag(h.startOp-pr.startOp))
		heads = binary.AppendUvarint(heads, zigzag(uint64(h.time)-pr.time))
		last[string(h.actor)] = prev{h.seq, h.startOp, uint64(h.time)}
		p.Bodies[i] = h.rest
		index[hash] = i
		digest.Write(hash[:])
	}
	p.Heads = heads
	p.Digest = digest.Sum(nil)[:digestSize]
	return p
}

// splitChange splits a canonical type-1 chunk with a valid checksum into
// the fields a change-form record carries, and returns its hash. It
// refuses (errNotPackable) any chunk that rebuilding would not give back
// byte for byte.
func splitChange(c []byte) (*changeHeader, [32]byte, error) {
	var hash [32]byte
	if len(c) < 10 || !bytes.Equal(c[:4], chunkMagic[:]) || c[8] != chunkTypeChange || len(c) > MaxChunk {
		return nil, hash, errNotPackable
	}
	r := lenient{b: c, off: 9}
	m := minimal{r: &r, ok: true}
	n := m.uleb()
	if r.bad || n != uint64(r.left()) {
		return nil, hash, errNotPackable
	}
	hash = sha256.Sum256(c[8:])
	if !bytes.Equal(c[4:8], hash[:4]) {
		return nil, hash, errNotPackable
	}
	h := &changeHeader{}
	d := m.uleb()
	if r.bad || d > wire.MaxDeps || d > uint64(r.left()/32) {
		return nil, hash, errNotPackable
	}
	h.deps = make([][32]byte, d)
	for k := range h.deps {
		h.deps[k] = [32]byte(r.bytes(32))
	}
	al := m.uleb()
	if r.bad || al == 0 || al > wire.MaxActorLen {
		return nil, hash, errNotPackable
	}
	h.actor = r.bytes(int(al))
	h.seq = m.uleb()
	h.startOp = m.uleb()
	h.time = m.sleb()
	if r.bad || !m.ok {
		return nil, hash, errNotPackable
	}
	h.rest = c[r.off:]
	// The readers accept overlong integers: rebuilding writes minimal
	// ones, so a chunk is packed only when each of its integers was
	// written minimally (m.ok). Everything else rebuilding writes is the
	// chunk's own bytes, verbatim, or checked above (magic, checksum,
	// type), so the rebuilt chunk is the chunk, without building it to
	// compare (decision 0039; TestSplitChangeRebuilds).
	return h, hash, nil
}

// minimal reads integers through a lenient reader and notes whether each
// was written as rebuilding writes it (binary.AppendUvarint, appendSLEB):
// in as few bytes as it takes.
type minimal struct {
	r  *lenient
	ok bool
}

func (m *minimal) uleb() uint64 {
	start := m.r.off
	v := m.r.uleb()
	var buf [binary.MaxVarintLen64]byte
	m.check(start, binary.AppendUvarint(buf[:0], v))
	return v
}

func (m *minimal) sleb() int64 {
	start := m.r.off
	v := m.r.sleb()
	var buf [binary.MaxVarintLen64 + 1]byte
	m.check(start, appendSLEB(buf[:0], v))
	return v
}

// check notes whether the bytes read since start are enc.
func (m *minimal) check(start int, enc []byte) {
	m.ok = m.ok && !m.r.bad && bytes.Equal(m.r.b[start:m.r.off], enc)
}

// rebuildBody returns the change body of h.
func rebuildBody(h *changeHeader) []byte {
	return appendBody(make([]byte, 0, bodySize(h)), h)
}

// bodySize is the length of h's change body.
func bodySize(h *changeHeader) int {
	var buf [binary.MaxVarintLen64 + 1]byte
	n := len(binary.AppendUvarint(buf[:0], uint64(len(h.deps)))) + 32*len(h.deps)
	n += len(binary.AppendUvarint(buf[:0], uint64(len(h.actor)))) + len(h.actor)
	n += len(binary.AppendUvarint(buf[:0], h.seq)) + len(binary.AppendUvarint(buf[:0], h.startOp))
	return n + len(appendSLEB(buf[:0], h.time)) + len(h.rest)
}

// buildChunk returns the chunk of h and its hash, built in one
// allocation (decision 0039): rebuildChange without the body apart.
func buildChunk(h *changeHeader) ([]byte, [32]byte) {
	size := bodySize(h)
	c := make([]byte, 0, 9+binary.MaxVarintLen64+size)
	c = append(c, chunkMagic[:]...)
	c = append(c, 0, 0, 0, 0, chunkTypeChange) // the checksum, below
	c = binary.AppendUvarint(c, uint64(size))
	c = appendBody(c, h)
	hash := sha256.Sum256(c[8:])
	copy(c[4:8], hash[:4])
	return c, hash
}

// appendBody appends the change body of h to b.
func appendBody(b []byte, h *changeHeader) []byte {
	b = binary.AppendUvarint(b, uint64(len(h.deps)))
	for _, d := range h.deps {
		b = append(b, d[:]...)
	}
	b = binary.AppendUvarint(b, uint64(len(h.actor)))
	b = append(b, h.actor...)
	b = binary.AppendUvarint(b, h.seq)
	b = binary.AppendUvarint(b, h.startOp)
	b = appendSLEB(b, h.time)
	return append(b, h.rest...)
}

// rebuildChange returns the chunk of h given its hash.
func rebuildChange(h *changeHeader, hash [32]byte) []byte {
	body := rebuildBody(h)
	return frameChange(body, hash)
}

// frameChange wraps a change body in its chunk envelope.
func frameChange(body []byte, hash [32]byte) []byte {
	c := make([]byte, 0, 9+binary.MaxVarintLen64+len(body))
	c = append(c, chunkMagic[:]...)
	c = append(c, hash[:4]...)
	c = append(c, chunkTypeChange)
	c = binary.AppendUvarint(c, uint64(len(body)))
	return append(c, body...)
}

// changeHash is the change hash of a change body: SHA-256 over the chunk
// from its type byte on.
func changeHash(body []byte) [32]byte {
	var pre [1 + binary.MaxVarintLen64]byte
	pre[0] = chunkTypeChange
	n := 1 + binary.PutUvarint(pre[1:], uint64(len(body)))
	s := sha256.New()
	s.Write(pre[:n])
	s.Write(body)
	return [32]byte(s.Sum(nil))
}

// unpackChunks rebuilds the chunks of p, refusing (ErrMalformed or
// ErrTooLarge) a record that breaks the format, a back-reference that
// points nowhere valid, chunks over their caps, and a digest that the
// rebuilt chunks do not hash to.
func unpackChunks(p *packedChanges) ([][]byte, error) {
	return unpackChunksWithin(p, MaxDecompressed)
}

// unpackChunksWithin is unpackChunks with the rebuilt chunks bounded by
// limit bytes in all (at most MaxDecompressed): the frames of one batched
// message share one such budget (batched.go).
func unpackChunksWithin(p *packedChanges, limit int) ([][]byte, error) {
	if len(p.Bodies) > MaxItems {
		return nil, malformed("%d chunks, over %d", len(p.Bodies), MaxItems)
	}
	if len(p.Digest) != digestSize {
		return nil, malformed("changes digest of %d bytes", len(p.Digest))
	}
	out := make([][]byte, 0, len(p.Bodies))
	hashes := make([][32]byte, len(p.Bodies)) // of the change-form chunks
	formed := make([]bool, len(p.Bodies))     // in change form
	var h changeHeader                        // each record's, in turn
	var table [][]byte
	last := map[string]prev{}
	digest := sha256.New()
	r := strict{b: p.Heads}
	total := 0
	for i, rest := range p.Bodies {
		form, err := r.byte()
		if err != nil {
			return nil, chunkErr(i, err)
		}
		var c []byte
		switch form {
		case formLiteral:
			c = rest
		case formChange:
			if err := readRecord(&r, i, rest, hashes, formed, &table, last, &h); err != nil {
				return nil, chunkErr(i, err)
			}
			if bodySize(&h) > MaxChunk-9-binary.MaxVarintLen64 {
				return nil, fmt.Errorf("%w: chunk %d rebuilds to over %d bytes", ErrTooLarge, i, MaxChunk)
			}
			c, hashes[i] = buildChunk(&h)
			formed[i] = true
			digest.Write(hashes[i][:])
		default:
			return nil, chunkErr(i, fmt.Errorf("form %d", form))
		}
		if total += len(c); total > limit {
			return nil, fmt.Errorf("%w: chunks rebuild to over %d bytes", ErrTooLarge, limit)
		}
		out = append(out, c)
	}
	if r.left() != 0 {
		return nil, malformed("changes: %d bytes after the last record", r.left())
	}
	if !bytes.Equal(digest.Sum(nil)[:digestSize], p.Digest) {
		return nil, malformed("changes: the rebuilt chunks do not hash to the frame's digest")
	}
	return out, nil
}

// chunkErr names the chunk whose record is bad.
func chunkErr(i int, err error) error {
	return malformed("changes: record of chunk %d: %v", i, err)
}

// readRecord reads chunk i's change-form record from r into h, whose
// deps' room it reuses. hashes and formed hold the hashes of the chunks
// before i and whether each is in change form.
func readRecord(r *strict, i int, rest []byte, hashes [][32]byte, formed []bool, table *[][]byte, last map[string]prev, h *changeHeader) error {
	*h = changeHeader{rest: rest, deps: h.deps[:0]}
	d, err := r.uleb()
	if err != nil {
		return err
	}
	if d > wire.MaxDeps {
		return fmt.Errorf("%d deps, over %d", d, wire.MaxDeps)
	}
	for k := range int(d) {
		ref, err := r.uleb()
		switch {
		case err != nil:
			return err
		case ref == 0:
			b, err := r.bytes(32)
			if err != nil {
				return err
			}
			h.deps = append(h.deps, [32]byte(b))
		case ref > uint64(i):
			return fmt.Errorf("dependency %d refers %d chunks back, before the frame", k, ref)
		case !formed[i-int(ref)]:
			return fmt.Errorf("dependency %d refers to chunk %d, which is not in change form", k, i-int(ref))
		default:
			h.deps = append(h.deps, hashes[i-int(ref)])
		}
	}
	if h.actor, err = readActorRef(r, table); err != nil {
		return err
	}
	var ds [3]uint64
	for k := range ds {
		if ds[k], err = r.uleb(); err != nil {
			return err
		}
	}
	pr := last[string(h.actor)]
	h.seq = pr.seq + 1 + unzigzag(ds[0])
	h.startOp = pr.startOp + unzigzag(ds[1])
	h.time = int64(pr.time + unzigzag(ds[2]))
	last[string(h.actor)] = prev{h.seq, h.startOp, uint64(h.time)}
	return nil
}

// readActorRef reads an actor reference, adding a new actor to table.
func readActorRef(r *strict, table *[][]byte) ([]byte, error) {
	a, err := r.uleb()
	if err != nil {
		return nil, err
	}
	if a > 0 {
		if a > uint64(len(*table)) {
			return nil, fmt.Errorf("actor %d of a table of %d", a, len(*table))
		}
		return (*table)[a-1], nil
	}
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	if n == 0 || n > wire.MaxActorLen {
		return nil, fmt.Errorf("actor of %d bytes", n)
	}
	actor, err := r.bytes(int(n))
	if err != nil {
		return nil, err
	}
	*table = append(*table, actor)
	return actor, nil
}

// zigzag maps a wrapping difference to a small unsigned number when it is
// small either way.
func zigzag(d uint64) uint64 { return d<<1 ^ uint64(int64(d)>>63) }

// unzigzag inverts zigzag.
func unzigzag(z uint64) uint64 { return z>>1 ^ -(z & 1) }

// appendSLEB appends v as a minimal signed LEB128.
func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
