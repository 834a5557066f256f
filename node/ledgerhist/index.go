package ledgerhist

import "github.com/weftsync/weft/node/wire"

// index follows the entries list: which element carries which entry ID, what
// each entry held when last seen, and which elements the current change
// touched.
type index struct {
	doc      *doc
	list     *object // the current entries list, or nil
	full     bool    // the root's entries key was set: re-read every entry
	dirty    map[*elem]bool
	idOf     map[*elem]string   // elements holding an entry map, by the entry's id
	byID     map[string][]*elem // the other way round; the first in list order counts
	known    map[string]map[string]any
	present  map[string]bool
	volatile map[string]bool // entries holding a value unequal to itself (NaN)
}

func newIndex(d *doc) *index {
	return &index{doc: d, dirty: map[*elem]bool{}, idOf: map[*elem]string{}, byID: map[string][]*elem{},
		known: map[string]map[string]any{}, present: map[string]bool{}, volatile: map[string]bool{}}
}

// touch marks the entry element under which an op changed o at e or key.
func (x *index) touch(o *object, e *elem, key string) {
	if o == x.doc.root {
		x.full = x.full || key == "entries"
		return
	}
	for ; o != nil; e, o = o.inElem, o.parent {
		if o == x.list {
			if e != nil {
				x.dirty[e] = true
			}
			return
		}
	}
}

// entries returns the root's entries list, if its value is a list.
func (x *index) entries() *object {
	s := x.doc.root.keys["entries"]
	if s == nil {
		return nil
	}
	if w := s.winner(); w != nil && w.action == wire.MakeList {
		return w.obj
	}
	return nil
}

// entry returns the map an element holds, if it holds a map.
func entry(e *elem) *object {
	w := e.slot.winner()
	if w != nil && (w.action == wire.MakeMap || w.action == wire.MakeTable) {
		return w.obj
	}
	return nil
}

// rebuild re-reads the whole entries list, adding to affected every ID
// present before or now.
func (x *index) rebuild(affected map[string]bool) {
	for id := range x.present {
		affected[id] = true
	}
	x.list = x.entries()
	clear(x.idOf)
	clear(x.byID)
	if x.list == nil {
		return
	}
	for e := x.list.seq.head.next; e != nil; e = e.next {
		if m := entry(e); m != nil {
			id := str(m, "id")
			x.idOf[e], x.byID[id] = id, append(x.byID[id], e)
			affected[id] = true
		}
	}
}

// reindex re-reads one touched element, adding its old and new IDs to
// affected.
func (x *index) reindex(e *elem, affected map[string]bool) {
	old, had := x.idOf[e]
	if had {
		affected[old] = true
	}
	m := entry(e)
	id := ""
	if m != nil {
		id = str(m, "id")
		affected[id] = true
	}
	if had && m != nil && old == id {
		return
	}
	if had {
		x.unindex(e, old)
	}
	if m != nil {
		x.idOf[e], x.byID[id] = id, append(x.byID[id], e)
	}
}

func (x *index) unindex(e *elem, id string) {
	delete(x.idOf, e)
	es := x.byID[id]
	for k, y := range es {
		if y == e {
			es = append(es[:k], es[k+1:]...)
			break
		}
	}
	if len(es) == 0 {
		delete(x.byID, id)
		return
	}
	x.byID[id] = es
}

// rep returns the first element in list order carrying id, or nil.
func (x *index) rep(id string) *elem {
	var r *elem
	for _, e := range x.byID[id] {
		if r == nil || e.label < r.label {
			r = e
		}
	}
	return r
}
