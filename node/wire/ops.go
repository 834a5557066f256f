package wire

// checkOps counts the ops of c from its action column, checks the op
// counters stay in range, and walks every column in lockstep (notes §8).
// With keep it also returns the decoded ops.
func checkOps(c *Change, cols *columns, keep bool) (uint64, []Op, error) {
	action := cols.get(colAction)
	if action == nil {
		if cols.count() != 0 || len(c.OtherActors) != 0 {
			return 0, nil, errorf(ErrNotCanonical, "columns or other actors without ops")
		}
		return 0, nil, nil
	}
	n, err := countOps(action)
	if err != nil {
		return 0, nil, at("action column", err)
	}
	if c.StartOp+n-1 > MaxOpCounter {
		return 0, nil, errorf(ErrStartOp, "ops %d to %d pass %d", c.StartOp, c.StartOp+n-1, uint64(MaxOpCounter))
	}
	var w walker
	if err := w.init(c, cols, n); err != nil {
		return 0, nil, err
	}
	if keep {
		w.ops = make([]Op, 0, n)
	}
	if err := w.walk(); err != nil {
		return 0, nil, err
	}
	return n, w.ops, nil
}

// countOps counts the entries of the action column, refusing nulls and more
// than MaxOps entries before reading them.
func countOps(data []byte) (uint64, error) {
	d := newRLE(data, ulebValues, MaxOps, ErrTooLarge)
	for d.left > 0 || d.r.left() > 0 {
		if d.left == 0 {
			if err := d.startRun(); err != nil {
				return 0, err
			}
		}
		switch d.run {
		case runNull:
			return 0, errorf(ErrMalformed, "null action")
		case runRepeat:
			d.left = 0
			continue
		}
		if _, _, err := d.next(); err != nil {
			return 0, err
		}
	}
	return MaxOps - d.limit, nil
}
