package wire

// reader reads strict LEB128 integers and byte strings from a buffer, never
// past its end. Strict means the minimal encoding only, for every integer
// anywhere in a chunk (notes §2): the core re-encodes columns minimally, so an
// overlong integer it accepted would change the change's hash on reload.
type reader struct {
	b   []byte
	off int
}

// left is the number of bytes not yet read.
func (r *reader) left() int { return len(r.b) - r.off }

// byte reads one byte.
func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errorf(ErrTruncated, "integer runs past the end")
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

// bytes reads n bytes without copying them.
func (r *reader) bytes(n uint64) ([]byte, error) {
	if n > uint64(r.left()) {
		return nil, errorf(ErrTruncated, "%d bytes wanted, %d left", n, r.left())
	}
	b := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return b, nil
}

// uleb reads a strict unsigned LEB128 integer of at most 64 bits.
func (r *reader) uleb() (uint64, error) {
	if r.off < len(r.b) && r.b[r.off] < 0x80 { // one byte, the most common: always minimal
		c := r.b[r.off]
		r.off++
		return uint64(c), nil
	}
	var v uint64
	for i := 0; i < 10; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 9 {
			return lastULEB(v, c)
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if c == 0 && i > 0 {
				return 0, errorf(ErrNotCanonical, "overlong integer")
			}
			return v, nil
		}
	}
	panic("unreachable")
}

// lastULEB checks the tenth byte of a uLEB, which may only carry bit 63.
func lastULEB(v uint64, c byte) (uint64, error) {
	switch c {
	case 0x01:
		return v | 1<<63, nil
	case 0x00:
		return 0, errorf(ErrNotCanonical, "overlong integer")
	}
	return 0, errorf(ErrMalformed, "integer too large")
}

// sleb reads a strict signed (two's complement) LEB128 integer.
func (r *reader) sleb() (int64, error) {
	if r.off < len(r.b) && r.b[r.off] < 0x80 { // one byte, the most common: always minimal
		c := r.b[r.off]
		r.off++
		return int64(int8(c<<1) >> 1), nil // bit 6 is the sign
	}
	var v uint64
	var prev byte
	for i := 0; i < 10; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 9 {
			return lastSLEB(v, prev, c)
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if i > 0 && (c == 0 && prev&0x40 == 0 || c == 0x7f && prev&0x40 != 0) {
				return 0, errorf(ErrNotCanonical, "overlong integer")
			}
			if c&0x40 != 0 {
				v |= ^uint64(0) << (7 * (i + 1))
			}
			return int64(v), nil
		}
		prev = c
	}
	panic("unreachable")
}

// lastSLEB checks the tenth byte of an sLEB: 0x00 or 0x7f, carrying the sign
// in bit 63.
func lastSLEB(v uint64, prev, c byte) (int64, error) {
	switch {
	case c == 0x00 && prev&0x40 != 0:
		return int64(v), nil
	case c == 0x7f && prev&0x40 == 0:
		return int64(v | 1<<63), nil
	case c == 0x00 || c == 0x7f:
		return 0, errorf(ErrNotCanonical, "overlong integer")
	}
	return 0, errorf(ErrMalformed, "integer too large")
}
