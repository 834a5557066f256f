package wire

import (
	"bytes"
	"math"
	"unicode/utf8"
)

// valueKind is what one RLE column holds.
type valueKind uint8

const (
	ulebValues valueKind = iota
	slebValues
	stringValues
)

// runKind is the kind of the RLE run being read.
type runKind uint8

const (
	runNone runKind = iota
	runNull
	runRepeat
	runLiteral
)

// rleValue is one non-null value of an RLE column.
type rleValue struct {
	u   uint64 // ulebValues
	i   int64  // slebValues
	str []byte // stringValues
}

// rle decodes one RLE column lazily (a repeat run is read once and counted
// down, never expanded) and refuses any encoding but the canonical one
// (notes §7.1, §9 rule 2). An absent column reads as all null.
type rle struct {
	r        reader
	kind     valueKind
	present  bool
	limit    uint64 // rows the column may still start runs for
	limitErr error  // the kind of error for a run past limit
	run      runKind
	left     uint64   // rows left in the current run
	cur      rleValue // the current (last non-null) value
	adjacent bool     // cur is the value right before the next row
	nonNull  bool     // a non-null value was read
}

// newRLE returns a decoder for data (nil: absent) yielding at most limit rows.
func newRLE(data []byte, kind valueKind, limit uint64, limitErr error) rle {
	return rle{r: reader{b: data}, kind: kind, present: data != nil, limit: limit, limitErr: limitErr}
}

// next returns the next row's value; ok is false for a null.
func (d *rle) next() (v rleValue, ok bool, err error) {
	if !d.present {
		return v, false, nil
	}
	if d.left == 0 {
		if err := d.startRun(); err != nil {
			return v, false, err
		}
	}
	d.left--
	switch d.run {
	case runNull:
		return v, false, nil
	case runLiteral:
		if err := d.literal(); err != nil {
			return v, false, err
		}
	}
	return d.cur, true, nil
}

// literal reads the next value of a literal run, which may not equal the
// value right before it.
func (d *rle) literal() error {
	v, err := d.value()
	if err != nil {
		return err
	}
	if d.adjacent && d.equal(v) {
		return errorf(ErrNotCanonical, "equal adjacent values not in a repeat run")
	}
	d.cur, d.adjacent, d.nonNull = v, true, true
	return nil
}

// startRun reads a run header, and a repeat run's value.
func (d *rle) startRun() error {
	if d.r.left() == 0 {
		return errorf(ErrMalformed, "column ran out")
	}
	h, err := d.r.sleb()
	if err != nil {
		return err
	}
	prev := d.run
	switch {
	case h == math.MinInt64:
		return errorf(ErrMalformed, "run header -2^63")
	case h == 0:
		return d.startNull(prev)
	case h > 0:
		return d.startRepeat(uint64(h))
	}
	if prev == runLiteral {
		return errorf(ErrNotCanonical, "two adjacent literal runs")
	}
	d.run = runLiteral
	return d.take(uint64(-h))
}

// startNull starts a null run.
func (d *rle) startNull(prev runKind) error {
	n, err := d.r.uleb()
	switch {
	case err != nil:
		return err
	case n == 0:
		return errorf(ErrNotCanonical, "empty null run")
	case prev == runNull:
		return errorf(ErrNotCanonical, "two adjacent null runs")
	}
	d.run, d.adjacent = runNull, false
	return d.take(n)
}

// startRepeat starts a run of n copies of one value.
func (d *rle) startRepeat(n uint64) error {
	if n == 1 {
		return errorf(ErrNotCanonical, "repeat run of 1")
	}
	if err := d.take(n); err != nil {
		return err
	}
	v, err := d.value()
	if err != nil {
		return err
	}
	if d.adjacent && d.equal(v) {
		return errorf(ErrNotCanonical, "equal adjacent values in two runs")
	}
	d.run, d.cur, d.adjacent, d.nonNull = runRepeat, v, true, true
	return nil
}

// take claims n rows for a new run.
func (d *rle) take(n uint64) error {
	if n > d.limit {
		return errorf(d.limitErr, "run of %d rows, at most %d allowed", n, d.limit)
	}
	d.limit -= n
	d.left = n
	return nil
}

// value reads one value of the column's kind.
func (d *rle) value() (v rleValue, err error) {
	switch d.kind {
	case ulebValues:
		v.u, err = d.r.uleb()
	case slebValues:
		v.i, err = d.r.sleb()
	default:
		v.str, err = d.str()
	}
	return v, err
}

// str reads one length-prefixed UTF-8 string.
func (d *rle) str() ([]byte, error) {
	n, err := d.r.uleb()
	if err != nil {
		return nil, err
	}
	b, err := d.r.bytes(n)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(b) {
		return nil, errorf(ErrMalformed, "string not UTF-8")
	}
	return b, nil
}

// equal reports whether v equals the current value.
func (d *rle) equal(v rleValue) bool {
	return v.u == d.cur.u && v.i == d.cur.i && bytes.Equal(v.str, d.cur.str)
}

// done checks that a present column held exactly the rows read and at least
// one non-null value (an all-null column is omitted by the writer).
func (d *rle) done() error {
	switch {
	case !d.present:
		return nil
	case d.left != 0 || d.r.left() != 0:
		return errorf(ErrMalformed, "data left over")
	case !d.nonNull:
		return errorf(ErrNotCanonical, "all-null column written")
	}
	return nil
}
