package amdoc

import (
	am "github.com/automerge/automerge-go"
)

// Fields is one automerge map's values read in a single call. Its readers
// are lenient: a missing field, or one of a kind this version does not
// expect (written by another client), reads as the zero value, so one odd
// field never hides a whole document.
type Fields map[string]*am.Value

// Read reads all of m's values. A nil m reads as no fields.
func Read(m *am.Map) (Fields, error) {
	if m == nil {
		return Fields{}, nil
	}
	vals, err := m.Values()
	return Fields(vals), err
}

// Root reads the document's root map.
func Root(doc *am.Doc) (Fields, error) { return Read(doc.RootMap()) }

// Str reads a string field, stored as a scalar string or as Text.
func (f Fields) Str(key string) string {
	v := f[key]
	if v == nil {
		return ""
	}
	s, _ := am.As[string](v)
	return s
}

// Int reads an integer field; a float64 with an exact integer value (as
// JavaScript peers write numbers) counts too.
func (f Fields) Int(key string) int64 {
	v := f[key]
	if v == nil {
		return 0
	}
	n, _ := am.As[int64](v)
	return n
}

// Bool reads a boolean field.
func (f Fields) Bool(key string) bool {
	v := f[key]
	return v != nil && v.Kind() == am.KindBool && v.Bool()
}

// Strs reads a list of strings, skipping items that are not strings.
func (f Fields) Strs(key string) []string {
	l := f.List(key)
	if l == nil {
		return nil
	}
	vals, err := l.Values()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if s, err := am.As[string](v); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// Map returns a map field, or nil.
func (f Fields) Map(key string) *am.Map {
	if v := f[key]; v != nil && v.Kind() == am.KindMap {
		return v.Map()
	}
	return nil
}

// List returns a list field, or nil.
func (f Fields) List(key string) *am.List {
	if v := f[key]; v != nil && v.Kind() == am.KindList {
		return v.List()
	}
	return nil
}

// Text returns a Text field, or nil.
func (f Fields) Text(key string) *am.Text {
	if v := f[key]; v != nil && v.Kind() == am.KindText {
		return v.Text()
	}
	return nil
}

// Has reports whether key is set.
func (f Fields) Has(key string) bool {
	v := f[key]
	return v != nil && !v.IsVoid()
}
