package wire

// boolCol decodes a boolean column: alternating uLEB run counts, starting
// with false (notes §7.3). Only the first count may be 0. An absent column
// reads as all false.
type boolCol struct {
	r       reader
	present bool
	limit   uint64 // rows the column may still yield
	left    uint64 // rows left in the current run
	val     bool
	started bool
	sawTrue bool
}

// newBool returns a decoder for data (nil: absent) yielding at most limit rows.
func newBool(data []byte, limit uint64) boolCol {
	return boolCol{r: reader{b: data}, present: data != nil, limit: limit}
}

// next returns the next row's value.
func (d *boolCol) next() (bool, error) {
	if !d.present {
		return false, nil
	}
	for d.left == 0 {
		if err := d.startRun(); err != nil {
			return false, err
		}
	}
	d.left--
	d.sawTrue = d.sawTrue || d.val
	return d.val, nil
}

// startRun reads the next run count and flips the value.
func (d *boolCol) startRun() error {
	if d.r.left() == 0 {
		return errorf(ErrMalformed, "column ran out")
	}
	n, err := d.r.uleb()
	switch {
	case err != nil:
		return err
	case n == 0 && d.started:
		return errorf(ErrNotCanonical, "empty boolean run")
	case n > d.limit:
		return errorf(ErrMalformed, "run of %d rows, at most %d allowed", n, d.limit)
	}
	d.val = d.started && !d.val
	d.started = true
	d.limit -= n
	d.left = n
	return nil
}

// done checks that a present column held exactly the rows read.
func (d *boolCol) done() error {
	if d.present && (d.left != 0 || d.r.left() != 0) {
		return errorf(ErrMalformed, "data left over")
	}
	return nil
}
