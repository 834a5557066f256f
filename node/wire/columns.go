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

// knownColumn reports whether spec is one of the columns above.
func knownColumn(spec uint64) bool {
	switch spec {
	case colObjActor, colObjCtr, colKeyActor, colKeyCtr, colKeyStr, colInsert,
		colAction, colValueMeta, colValue, colPredCount, colPredActor, colPredCtr,
		colExpand, colMarkName:
		return true
	}
	return false
}

// columns maps each present column spec to its data.
type columns map[uint64][]byte

// readColumns reads the column metadata and slices out each column's data.
// Nothing may follow the column data (notes §5).
func readColumns(r *reader) (columns, error) {
	specs, lens, err := readColumnMeta(r)
	if err != nil {
		return nil, at("column metadata", err)
	}
	cols := make(columns, len(specs))
	for i, spec := range specs {
		cols[spec], _ = r.bytes(lens[i])
	}
	if r.left() != 0 {
		return nil, errorf(ErrNotCanonical, "%d extra bytes after the columns", r.left())
	}
	return cols, nil
}

// readColumnMeta reads the column count and the (spec, length) pairs, and
// checks the specs and that the data they describe is there.
func readColumnMeta(r *reader) (specs, lens []uint64, err error) {
	n, err := r.uleb()
	if err != nil {
		return nil, nil, err
	}
	if n > MaxColumns || n > uint64(r.left()/2) {
		return nil, nil, errorf(ErrMalformed, "%d columns", n)
	}
	var total uint64
	for i := uint64(0); i < n; i++ {
		spec, l, err := readColumnPair(r)
		if err != nil {
			return nil, nil, err
		}
		if err := checkSpecOrder(specs, spec); err != nil {
			return nil, nil, err
		}
		if total += l; total > uint64(r.left()) {
			return nil, nil, errorf(ErrTruncated, "column data of %d bytes, %d left", total, r.left())
		}
		specs, lens = append(specs, spec), append(lens, l)
	}
	return specs, lens, nil
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
