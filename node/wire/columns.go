package wire

// Column specs of a change chunk: (column ID << 4) | type (notes §6).
const (
	colObjActor  = 1
	colObjCtr    = 2
	colKeyActor  = 17
	colKeyCtr    = 19
	colKeyStr    = 21
	colInsert    = 52
	colAction    = 66
	colValueMeta = 86
	colValue     = 87
	colPredCount = 112
	colPredActor = 113
	colPredCtr   = 115
	colExpand    = 148
	colMarkName  = 165
)

// deflateBit marks a compressed column, which a change chunk may not carry.
const deflateBit = 0x08

// colSlot is the position of each known column spec in columns, -1 for
// any other spec.
func colSlot(spec uint64) int {
	switch spec {
	case colObjActor:
		return 0
	case colObjCtr:
		return 1
	case colKeyActor:
		return 2
	case colKeyCtr:
		return 3
	case colKeyStr:
		return 4
	case colInsert:
		return 5
	case colAction:
		return 6
	case colValueMeta:
		return 7
	case colValue:
		return 8
	case colPredCount:
		return 9
	case colPredActor:
		return 10
	case colPredCtr:
		return 11
	case colExpand:
		return 12
	case colMarkName:
		return 13
	}
	return -1
}

// knownColumn reports whether spec is one of the columns above.
func knownColumn(spec uint64) bool { return colSlot(spec) >= 0 }

// columns holds each known column's data by its slot (colSlot), nil when
// the column is absent: a present column is never empty (readColumnPair).
// An array, not a map, so that parsing a change allocates nothing for it.
type columns [MaxColumns][]byte

// get returns the data of column spec, nil when absent.
func (c *columns) get(spec uint64) []byte {
	i := colSlot(spec)
	if i < 0 {
		return nil
	}
	return c[i]
}

// count is the number of columns present.
func (c *columns) count() int {
	n := 0
	for _, d := range c {
		if d != nil {
			n++
		}
	}
	return n
}

// readColumns reads the column metadata and slices out each column's data.
// Nothing may follow the column data (notes §5).
func readColumns(r *reader) (columns, error) {
	var cols columns
	specs, lens, n, err := readColumnMeta(r)
	if err != nil {
		return cols, at("column metadata", err)
	}
	for i, spec := range specs[:n] {
		cols[colSlot(spec)], _ = r.bytes(lens[i])
	}
	if r.left() != 0 {
		return cols, errorf(ErrNotCanonical, "%d extra bytes after the columns", r.left())
	}
	return cols, nil
}

// readColumnMeta reads the column count and the (spec, length) pairs, and
// checks the specs and that the data they describe is there. It returns
// the pairs in specs[:n] and lens[:n].
func readColumnMeta(r *reader) (specs, lens [MaxColumns]uint64, n int, err error) {
	count, err := r.uleb()
	if err != nil {
		return specs, lens, 0, err
	}
	if count > MaxColumns || count > uint64(r.left()/2) {
		return specs, lens, 0, errorf(ErrMalformed, "%d columns", count)
	}
	var total uint64
	for ; n < int(count); n++ {
		spec, l, err := readColumnPair(r)
		if err != nil {
			return specs, lens, 0, err
		}
		if err := checkSpecOrder(specs[:n], spec); err != nil {
			return specs, lens, 0, err
		}
		if total += l; total > uint64(r.left()) {
			return specs, lens, 0, errorf(ErrTruncated, "column data of %d bytes, %d left", total, r.left())
		}
		specs[n], lens[n] = spec, l
	}
	return specs, lens, n, nil
}

// readColumnPair reads one (spec, length) pair.
func readColumnPair(r *reader) (spec, l uint64, err error) {
	if spec, err = r.uleb(); err != nil {
		return 0, 0, err
	}
	switch {
	case spec&deflateBit != 0:
		return 0, 0, errorf(ErrMalformed, "column %d is compressed", spec)
	case !knownColumn(spec):
		return 0, 0, errorf(ErrNotCanonical, "unknown column %d", spec)
	}
	if l, err = r.uleb(); err != nil {
		return 0, 0, err
	}
	switch {
	case l == 0:
		return 0, 0, errorf(ErrNotCanonical, "column %d is empty", spec)
	case l > uint64(r.left()):
		return 0, 0, errorf(ErrTruncated, "column %d of %d bytes, %d left", spec, l, r.left())
	}
	return spec, l, nil
}

// checkSpecOrder requires spec to follow the specs before it strictly.
func checkSpecOrder(specs []uint64, spec uint64) error {
	if len(specs) == 0 {
		return nil
	}
	switch last := specs[len(specs)-1]; {
	case spec == last:
		return errorf(ErrNotCanonical, "column %d twice", spec)
	case spec < last:
		return errorf(ErrMalformed, "column %d after %d", spec, last)
	}
	return nil
}
