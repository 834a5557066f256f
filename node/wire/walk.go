package wire

// walker reads the op columns of one change row by row. Its decoders are
// held by value and the actors referenced fit a small array for most
// changes, so that walking a change allocates nothing but what it keeps.
type walker struct {
	c *Change
	// referenced records, by actor index (the author, then the other
	// actors), the actors an op referred to: in refs when they fit, else
	// in more (a slice into the walker itself would move it to the heap).
	refs [8]bool
	more []bool
	n    uint64

	objActor, objCtr, keyActor, keyStr, action, valueMeta, predCount, predActor, markName rle
	keyCtr, predCtr                                                                       deltaCol
	insert, expand                                                                        boolCol
	raw                                                                                   reader

	preds uint64 // pred entries read so far

	ops []Op // decoded ops, kept only when non-nil (see DecodeOps)
	cur Op   // the op being read, filled in only when ops is kept
}

// keep reports whether the walker keeps the ops it decodes.
func (w *walker) keep() bool { return w.ops != nil }

// actor returns the actor of index i (below actorCount): the author, then
// the other actors.
func (w *walker) actor(i uint64) []byte {
	if i == 0 {
		return w.c.Actor
	}
	return w.c.OtherActors[i-1]
}

// actorCount is the number of actors an op may refer to.
func (w *walker) actorCount() uint64 { return 1 + uint64(len(w.c.OtherActors)) }

// init checks which columns are present and sets up their decoders.
func (w *walker) init(c *Change, cols *columns, n uint64) error {
	for _, spec := range [...]uint64{colInsert, colAction, colValueMeta, colPredCount} {
		if cols.get(spec) == nil {
			return errorf(ErrMalformed, "column %d missing", spec)
		}
	}
	if (cols.get(colObjActor) == nil) != (cols.get(colObjCtr) == nil) ||
		(cols.get(colPredActor) == nil) != (cols.get(colPredCtr) == nil) {
		return errorf(ErrMalformed, "object or pred column without its pair")
	}
	w.c, w.n, w.raw = c, n, reader{b: cols.get(colValue)}
	if k := w.actorCount(); k > uint64(len(w.refs)) {
		w.more = make([]bool, k)
	}
	w.objActor = newRLE(cols.get(colObjActor), ulebValues, n, ErrMalformed)
	w.objCtr = newRLE(cols.get(colObjCtr), ulebValues, n, ErrMalformed)
	w.keyActor = newRLE(cols.get(colKeyActor), ulebValues, n, ErrMalformed)
	w.keyCtr = newDelta(cols.get(colKeyCtr), n, ErrMalformed)
	w.keyStr = newRLE(cols.get(colKeyStr), stringValues, n, ErrMalformed)
	w.insert = newBool(cols.get(colInsert), n)
	w.action = newRLE(cols.get(colAction), ulebValues, n, ErrMalformed)
	w.valueMeta = newRLE(cols.get(colValueMeta), ulebValues, n, ErrMalformed)
	w.predCount = newRLE(cols.get(colPredCount), ulebValues, n, ErrMalformed)
	w.predActor = newRLE(cols.get(colPredActor), ulebValues, MaxPredsPerChange, ErrTooLarge)
	w.predCtr = newDelta(cols.get(colPredCtr), MaxPredsPerChange, ErrTooLarge)
	w.expand = newBool(cols.get(colExpand), n)
	w.markName = newRLE(cols.get(colMarkName), stringValues, n, ErrMalformed)
	return nil
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
	for i := uint64(1); i < w.actorCount(); i++ {
		if !w.referenced(i) {
			return errorf(ErrNotCanonical, "other actor %d never referenced", i)
		}
	}
	return nil
}

// refer records that an op referred to actor i (below actorCount).
func (w *walker) refer(i uint64) {
	if w.more != nil {
		w.more[i] = true
	} else {
		w.refs[i] = true
	}
}

// referenced reports whether an op referred to actor i.
func (w *walker) referenced(i uint64) bool {
	if w.more != nil {
		return w.more[i]
	}
	return w.refs[i]
}

// done checks every column was consumed exactly.
func (w *walker) done() error {
	for _, col := range [...]struct {
		name string
		d    *rle
	}{
		{"obj actor", &w.objActor}, {"obj counter", &w.objCtr}, {"key actor", &w.keyActor},
		{"key counter", &w.keyCtr.rle}, {"key string", &w.keyStr},
	} {
		if err := col.d.done(); err != nil {
			return at(col.name+" column", err)
		}
	}
	if err := w.insert.done(); err != nil {
		return at("insert column", err)
	}
	for _, col := range [...]struct {
		name string
		d    *rle
	}{
		{"action", &w.action}, {"value metadata", &w.valueMeta}, {"pred count", &w.predCount},
		{"pred actor", &w.predActor}, {"pred counter", &w.predCtr.rle},
	} {
		if err := col.d.done(); err != nil {
			return at(col.name+" column", err)
		}
	}
	if err := w.expand.done(); err != nil {
		return at("expand column", err)
	}
	if err := w.markName.done(); err != nil {
		return at("mark name column", err)
	}
	if w.raw.left() != 0 {
		return errorf(ErrMalformed, "value column: %d bytes left over", w.raw.left())
	}
	if w.expand.present && !w.expand.sawTrue {
		return errorf(ErrNotCanonical, "expand column all false")
	}
	return nil
}
