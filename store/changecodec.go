package store

import (
	"encoding/binary"
	"math"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// A change row's plaintext, written and read by hand (decision 0039).
//
// Every change stored is encoded once (sealed into its row) and every
// change a responder sends or the engine loads is decoded once; through
// the CBOR library's reflection these cost about 2 and 3 µs a change,
// several allocations each, on both peers of a catch-up. marshalChange
// writes exactly the bytes encMode.Marshal writes for a Change (core
// deterministic CBOR of the toarray struct: TestChangeCodecMatchesCBOR
// checks them byte for byte), and unmarshalChange reads that form, giving
// exactly what cbor.Unmarshal gives; anything else it hands to
// cbor.Unmarshal, so that what is accepted and refused does not change.

// changeFields is the number of fields of Change's array.
const changeFields = 10

// CBOR major types and simple values used by a change row.
const (
	cborUint   = 0 << 5
	cborNeg    = 1 << 5
	cborBytes  = 2 << 5
	cborText   = 3 << 5
	cborArray  = 4 << 5
	cborNull   = 0xf6
	cborMajor  = 0xe0
	cborMinor  = 0x1f
	cborAdd1   = 24
	cborAdd8   = 27
	hashLength = 32
)

// marshalRow is encMode.Marshal, by hand for a Change.
func marshalRow(v any) ([]byte, error) {
	if c, ok := v.(Change); ok {
		return marshalChange(c), nil
	}
	return encMode.Marshal(v)
}

// unmarshalRow is cbor.Unmarshal, by hand for a *Change in the form
// marshalChange writes.
func unmarshalRow(plain []byte, v any) error {
	if c, ok := v.(*Change); ok && unmarshalChange(plain, c) {
		return nil
	}
	return cbor.Unmarshal(plain, v)
}

// marshalChange is encMode.Marshal(c), without reflection.
func marshalChange(c Change) []byte {
	size := 1 + 9 + len(c.Doc) + 2 + hashLength + 9 + len(c.Actor) + 3*9 + 9 + len(c.Deps)*(2+hashLength) +
		9 + 9 + len(c.Message) + 9 + len(c.Raw)
	b := make([]byte, 0, size)
	b = cborHead(b, cborArray, changeFields)
	b = cborHead(b, cborText, uint64(len(c.Doc)))
	b = append(b, c.Doc...)
	b = cborHead(b, cborBytes, hashLength)
	b = append(b, c.Hash[:]...)
	b = cborByteString(b, c.Actor)
	b = cborHead(b, cborUint, c.Seq)
	b = cborHead(b, cborUint, c.StartOp)
	b = cborHead(b, cborUint, c.MaxOp)
	if c.Deps == nil {
		b = append(b, cborNull)
	} else {
		b = cborHead(b, cborArray, uint64(len(c.Deps)))
		for _, d := range c.Deps {
			b = cborHead(b, cborBytes, hashLength)
			b = append(b, d[:]...)
		}
	}
	if c.Time >= 0 {
		b = cborHead(b, cborUint, uint64(c.Time))
	} else {
		b = cborHead(b, cborNeg, uint64(-(c.Time + 1)))
	}
	b = cborHead(b, cborText, uint64(len(c.Message)))
	b = append(b, c.Message...)
	return cborByteString(b, c.Raw)
}

// cborByteString appends p as a byte string, nil as null.
func cborByteString(b, p []byte) []byte {
	if p == nil {
		return append(b, cborNull)
	}
	b = cborHead(b, cborBytes, uint64(len(p)))
	return append(b, p...)
}

// cborHead appends the shortest head of major type major and argument n.
func cborHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < cborAdd1:
		return append(b, major|byte(n))
	case n <= math.MaxUint8:
		return append(b, major|cborAdd1, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, major|cborAdd1+1), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, major|cborAdd1+2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major|cborAdd8), n)
}

// changeReader reads the items of a change row's CBOR; any item not of
// the form marshalChange writes sets bad.
type changeReader struct {
	b   []byte
	off int
	bad bool
}

// head reads an item's head: its major type and argument, in shortest
// form (a longer one sets bad: cbor.Unmarshal judges it instead).
func (r *changeReader) head() (byte, uint64) {
	if r.bad || r.off >= len(r.b) {
		r.bad = true
		return 0, 0
	}
	c := r.b[r.off]
	r.off++
	major, minor := c&cborMajor, c&cborMinor
	if minor < cborAdd1 {
		return major, uint64(minor)
	}
	if minor > cborAdd8 {
		r.bad = true
		return 0, 0
	}
	size := 1 << (minor - cborAdd1)
	if len(r.b)-r.off < size {
		r.bad = true
		return 0, 0
	}
	var n uint64
	for _, x := range r.b[r.off : r.off+size] {
		n = n<<8 | uint64(x)
	}
	r.off += size
	if !shortest(n, size) {
		r.bad = true
	}
	return major, n
}

// shortest reports whether an argument n written in size bytes could not
// have been written in fewer.
func shortest(n uint64, size int) bool {
	switch size {
	case 1:
		return n >= cborAdd1
	case 2:
		return n > math.MaxUint8
	case 4:
		return n > math.MaxUint16
	}
	return n > math.MaxUint32
}

// uint reads an unsigned integer.
func (r *changeReader) uint() uint64 {
	major, n := r.head()
	if major != cborUint {
		r.bad = true
	}
	return n
}

// int reads a signed integer that fits an int64.
func (r *changeReader) int() int64 {
	major, n := r.head()
	switch {
	case n > math.MaxInt64:
		r.bad = true
	case major == cborUint:
		return int64(n)
	case major == cborNeg:
		return -1 - int64(n)
	default:
		r.bad = true
	}
	return 0
}

// text reads a UTF-8 text string.
func (r *changeReader) text() string {
	major, n := r.head()
	if major != cborText || n > uint64(len(r.b)-r.off) {
		r.bad = true
		return ""
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	if !utf8.Valid(s) {
		r.bad = true
	}
	return string(s)
}

// null reads a null if one comes next.
func (r *changeReader) null() bool {
	if !r.bad && r.off < len(r.b) && r.b[r.off] == cborNull {
		r.off++
		return true
	}
	return false
}

// bytes reads a byte string or null (nil), as a slice of its own capacity
// into the row's plaintext.
func (r *changeReader) bytes() []byte {
	if r.null() {
		return nil
	}
	major, n := r.head()
	if major != cborBytes || n > uint64(len(r.b)-r.off) {
		r.bad = true
		return nil
	}
	end := r.off + int(n)
	s := r.b[r.off:end:end]
	r.off = end
	return s
}

// hash reads a byte string of exactly 32 bytes.
func (r *changeReader) hash() (h [hashLength]byte) {
	s := r.bytes()
	if len(s) != hashLength {
		r.bad = true
		return h
	}
	return [hashLength]byte(s)
}

// unmarshalChange reads a change row in the form marshalChange writes
// into c and reports whether it was that form; when it was not, c is left
// as it was. The byte slices of c alias plain.
func unmarshalChange(plain []byte, c *Change) bool {
	r := &changeReader{b: plain}
	if major, n := r.head(); major != cborArray || n != changeFields {
		return false
	}
	var out Change
	out.Doc = r.text()
	out.Hash = r.hash()
	out.Actor = r.bytes()
	out.Seq = r.uint()
	out.StartOp = r.uint()
	out.MaxOp = r.uint()
	if !r.null() {
		major, n := r.head()
		if major != cborArray || n > uint64(len(r.b)-r.off)/(2+hashLength) {
			return false
		}
		out.Deps = make([][hashLength]byte, n)
		for i := range out.Deps {
			out.Deps[i] = r.hash()
		}
	}
	out.Time = r.int()
	out.Message = r.text()
	out.Raw = r.bytes()
	if r.bad || r.off != len(plain) {
		return false
	}
	*c = out
	return true
}
