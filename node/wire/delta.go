package wire

// deltaCol decodes a delta column of op counters: an RLE of sLEB deltas
// whose running sum must stay within 0 and MaxOpCounter (notes §7.2).
type deltaCol struct {
	rle
	acc int64
}

// newDelta returns a decoder for data (nil: absent) yielding at most limit rows.
func newDelta(data []byte, limit uint64, limitErr error) deltaCol {
	return deltaCol{rle: newRLE(data, slebValues, limit, limitErr)}
}

// next returns the next row's counter; ok is false for a null.
func (d *deltaCol) next() (uint64, bool, error) {
	v, ok, err := d.rle.next()
	if err != nil || !ok {
		return 0, false, err
	}
	if v.i > MaxOpCounter-d.acc || v.i < -d.acc {
		return 0, false, errorf(ErrMalformed, "counter %d%+d out of range", d.acc, v.i)
	}
	d.acc += v.i
	return uint64(d.acc), true, nil
}
