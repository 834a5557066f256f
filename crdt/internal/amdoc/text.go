package amdoc

import (
	"unicode/utf8"

	am "github.com/automerge/automerge-go"
)

// SetText writes m[key] as a new Text holding s, inserted in pieces.
func (w *Writer) SetText(m *am.Map, key, s string) error {
	t := am.NewText("")
	if err := w.Set(m, key, t); err != nil {
		return err
	}
	return w.insert(t, 0, []rune(s))
}

// EditText turns the Text at m[key] (f being m's fields) into s by the
// smallest splice. A field that is not Text yet (missing, or a scalar string
// written by another client) becomes a new Text.
func (w *Writer) EditText(m *am.Map, f Fields, key, s string) error {
	t := f.Text(key)
	if t == nil {
		return w.SetText(m, key, s)
	}
	old, err := t.Get()
	if err != nil {
		return err
	}
	return w.Splice(t, old, s)
}

// Splice turns t, which holds old, into s: it deletes and inserts only the
// span between their common prefix and common suffix, counted in code points
// as automerge-go's Text indexes are. Large spans go in pieces.
func (w *Writer) Splice(t *am.Text, old, s string) error {
	pos, del, ins := Diff([]rune(old), []rune(s))
	if err := w.delete(t, pos, del); err != nil {
		return err
	}
	return w.insert(t, pos, ins)
}

// Diff returns the smallest single splice turning a into b: at code point
// pos, delete del code points and insert ins.
func Diff(a, b []rune) (pos, del int, ins []rune) {
	n := min(len(a), len(b))
	for pos < n && a[pos] == b[pos] {
		pos++
	}
	suf := 0
	for suf < n-pos && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pos, len(a) - pos - suf, b[pos : len(b)-suf]
}

func (w *Writer) delete(t *am.Text, pos, del int) error {
	for del > 0 {
		n := min(del, w.piece/(2*deleteCost), w.pieceOps/2)
		if err := w.spend(opCost+n*deleteCost, n); err != nil {
			return err
		}
		if err := t.Delete(pos, n); err != nil {
			return err
		}
		del -= n
	}
	return nil
}

func (w *Writer) insert(t *am.Text, pos int, ins []rune) error {
	for len(ins) > 0 {
		n, size := 0, 0
		for n < len(ins) && size < w.piece/2 && n < w.pieceOps/2 {
			size += utf8.RuneLen(ins[n]) + insertCost
			n++
		}
		if err := w.spend(opCost+size, n); err != nil {
			return err
		}
		if err := t.Insert(pos, string(ins[:n])); err != nil {
			return err
		}
		pos, ins = pos+n, ins[n:]
	}
	return nil
}
