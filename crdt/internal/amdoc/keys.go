package amdoc

import (
	am "github.com/automerge/automerge-go"
)

// ReadKeys reads only the given keys of m, one call each: cheaper than
// Read when a map has many more keys than are wanted (Read makes a value,
// and for an object a call or two more, of every key). A key that is not
// set is absent from the result, as with Read.
func ReadKeys(m *am.Map, keys ...string) (Fields, error) {
	f := make(Fields, len(keys))
	for _, k := range keys {
		v, err := m.Get(k)
		if err != nil {
			return nil, err
		}
		if v != nil && !v.IsVoid() {
			f[k] = v
		}
	}
	return f, nil
}
