package wire

// walker reads the op columns of one change row by row.
type walker struct {
	c          *Change
	actors     [][]byte // by index: the author, then the other actors
	referenced []bool   // by actor index
	n          uint64

	objActor, objCtr, keyActor, keyStr, action, valueMeta, predCount, predActor, markName *rle
	keyCtr, predCtr                                                                       *deltaCol
	insert, expand                                                                        *boolCol
	raw                                                                                   reader

	preds uint64 // pred entries read so far

	ops []Op // decoded ops, kept only when non-nil (see DecodeOps)
	cur Op   // the op being read, filled in only when ops is kept
}

// keep reports whether the walker keeps the ops it decodes.
func (w *walker) keep() bool { return w.ops != nil }

// newWalker checks which columns are present and sets up their decoders.
func newWalker(c *Change, cols columns, n uint64) (*walker, error) {
	for _, spec := range [...]uint64{colInsert, colAction, colValueMeta, colPredCount} {
		if cols[spec] == nil {
			return nil, errorf(ErrMalformed, "column %d missing", spec)
		}
	}
	if (cols[colObjActor] == nil) != (cols[colObjCtr] == nil) ||
		(cols[colPredActor] == nil) != (cols[colPredCtr] == nil) {
		return nil, errorf(ErrMalformed, "object or pred column without its pair")
	}
	w := &walker{c: c, actors: c.actors(), n: n, raw: reader{b: cols[colValue]}}
	w.referenced = make([]bool, len(w.actors))
	w.objActor = newRLE(cols[colObjActor], ulebValues, n, ErrMalformed)
	w.objCtr = newRLE(cols[colObjCtr], ulebValues, n, ErrMalformed)
	w.keyActor = newRLE(cols[colKeyActor], ulebValues, n, ErrMalformed)
	w.keyCtr = newDelta(cols[colKeyCtr], n, ErrMalformed)
	w.keyStr = newRLE(cols[colKeyStr], stringValues, n, ErrMalformed)
	w.insert = newBool(cols[colInsert], n)
	w.action = newRLE(cols[colAction], ulebValues, n, ErrMalformed)
	w.valueMeta = newRLE(cols[colValueMeta], ulebValues, n, ErrMalformed)
	w.predCount = newRLE(cols[colPredCount], ulebValues, n, ErrMalformed)
	w.predActor = newRLE(cols[colPredActor], ulebValues, MaxPredsPerChange, ErrTooLarge)
	w.predCtr = newDelta(cols[colPredCtr], MaxPredsPerChange, ErrTooLarge)
	w.expand = newBool(cols[colExpand], n)
	w.markName = newRLE(cols[colMarkName], stringValues, n, ErrMalformed)
	return w, nil
}

// walk reads every op, then checks nothing is left over and every other
// actor was referenced.
func (w *walker) walk() error {
	for i := uint64(0); i < w.n; i++ {
		if w.keep() {
			w.cur = Op{ID: OpID{Counter: w.c.StartOp + i, Actor: w.c.Actor}}
		}
		if err := w.op(); err != nil {
			return at(opName(w.c.StartOp+i), err)
		}
		if w.keep() {
			w.ops = append(w.ops, w.cur)
		}
	}
	if err := w.done(); err != nil {
		return err
	}
	for i, ok := range w.referenced[1:] {
		if !ok {
			return errorf(ErrNotCanonical, "other actor %d never referenced", i+1)
		}
	}
	return nil
}

// done checks every column was consumed exactly.
func (w *walker) done() error {
	for _, col := range []struct {
		name string
		d    interface{ done() error }
	}{
		{"obj actor", w.objActor}, {"obj counter", w.objCtr}, {"key actor", w.keyActor},
		{"key counter", w.keyCtr}, {"key string", w.keyStr}, {"insert", w.insert},
		{"action", w.action}, {"value metadata", w.valueMeta}, {"pred count", w.predCount},
		{"pred actor", w.predActor}, {"pred counter", w.predCtr}, {"expand", w.expand},
		{"mark name", w.markName},
	} {
		if err := col.d.done(); err != nil {
			return at(col.name+" column", err)
		}
	}
	if w.raw.left() != 0 {
		return errorf(ErrMalformed, "value column: %d bytes left over", w.raw.left())
	}
	if w.expand.present && !w.expand.sawTrue {
		return errorf(ErrNotCanonical, "expand column all false")
	}
	return nil
}
