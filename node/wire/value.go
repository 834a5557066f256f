package wire

import "unicode/utf8"

// Value types in the low nibble of a value-metadata entry (notes §7.5).
const (
	valNull      = 0
	valFalse     = 1
	valTrue      = 2
	valUint      = 3
	valInt       = 4
	valFloat     = 5
	valString    = 6
	valBytes     = 7
	valCounter   = 8
	valTimestamp = 9
)

// value reads one value-metadata entry and its raw bytes, and returns the
// entry.
func (w *walker) value() (uint64, error) {
	v, ok, err := w.valueMeta.next()
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, errorf(ErrMalformed, "null value metadata")
	}
	typ, n := v.u&0x0f, v.u>>4
	if n > uint64(w.raw.left()) {
		return 0, errorf(ErrMalformed, "value of %d bytes, %d left", n, w.raw.left())
	}
	raw, _ := w.raw.bytes(n)
	if err := checkValue(typ, raw); err != nil {
		return 0, err
	}
	if w.keep() {
		w.cur.Value = decodeValue(typ, raw)
	}
	return v.u, nil
}

// checkValue checks raw is a well-formed value of type typ.
func checkValue(typ uint64, raw []byte) error {
	switch typ {
	case valNull, valFalse, valTrue:
		if len(raw) != 0 {
			return errorf(ErrMalformed, "type %d with %d bytes", typ, len(raw))
		}
	case valUint, valInt, valCounter, valTimestamp:
		return checkInt(typ, raw)
	case valFloat:
		if len(raw) != 8 {
			return errorf(ErrMalformed, "float of %d bytes", len(raw))
		}
	case valString:
		if !utf8.Valid(raw) {
			return errorf(ErrMalformed, "string not UTF-8")
		}
	}
	return nil
}

// checkInt checks raw is exactly one strict LEB integer.
func checkInt(typ uint64, raw []byte) error {
	if len(raw) == 0 || len(raw) > 10 {
		return errorf(ErrMalformed, "integer of %d bytes", len(raw))
	}
	r := reader{b: raw}
	var err error
	if typ == valUint {
		_, err = r.uleb()
	} else {
		_, err = r.sleb()
	}
	if err != nil {
		return err
	}
	if r.left() != 0 {
		return errorf(ErrMalformed, "integer shorter than its %d bytes", len(raw))
	}
	return nil
}
