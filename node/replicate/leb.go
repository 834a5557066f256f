package replicate

import "errors"

// strict reads the records of a frame's changes: minimal LEB128 integers
// of at most 64 bits and byte strings, never past the end.
type strict struct {
	b   []byte
	off int
}

var (
	errShort    = errors.New("record runs past the end")
	errOverlong = errors.New("integer not in its shortest form")
	errTooBig   = errors.New("integer over 64 bits")
)

// left is the number of bytes not yet read.
func (r *strict) left() int { return len(r.b) - r.off }

// byte reads one byte.
func (r *strict) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errShort
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

// bytes reads n bytes without copying them.
func (r *strict) bytes(n int) ([]byte, error) {
	if n > r.left() {
		return nil, errShort
	}
	b := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return b, nil
}

// uleb reads a minimal unsigned LEB128 integer.
func (r *strict) uleb() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 9 && c > 1 {
			return 0, errTooBig
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if c == 0 && i > 0 {
				return 0, errOverlong
			}
			return v, nil
		}
	}
	return 0, errTooBig
}

// lenient reads the header of a chunk the packer is given, accepting any
// LEB128 form (the packer then checks that rebuilding gives the chunk back
// byte for byte); bad records a read past the end or over 64 bits.
type lenient struct {
	b   []byte
	off int
	bad bool
}

// left is the number of bytes not yet read.
func (r *lenient) left() int { return len(r.b) - r.off }

// bytes reads n bytes, or marks r bad.
func (r *lenient) bytes(n int) []byte {
	if r.bad || n > r.left() {
		r.bad = true
		return make([]byte, n)
	}
	b := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return b
}

// uleb reads an unsigned LEB128 integer.
func (r *lenient) uleb() uint64 {
	v, _ := r.leb()
	return v
}

// sleb reads a signed LEB128 integer.
func (r *lenient) sleb() int64 {
	v, n := r.leb()
	if !r.bad && n < 64 && r.b[r.off-1]&0x40 != 0 {
		v |= ^uint64(0) << n
	}
	return int64(v)
}

// leb reads the bits of a LEB128 integer and how many bits it holds.
func (r *lenient) leb() (uint64, uint) {
	var v uint64
	for i := uint(0); i < 10 && !r.bad; i++ {
		if r.off >= len(r.b) {
			break
		}
		c := r.b[r.off]
		r.off++
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, 7 * (i + 1)
		}
	}
	r.bad = true
	return 0, 0
}
