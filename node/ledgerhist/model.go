package ledgerhist

import (
	"cmp"
	"errors"

	"github.com/weftsync/weft/node/wire"
)

// Errors for ops the model cannot apply; the engine refuses such changes too.
var (
	errUnknownObject  = errors.New("unknown object")
	errUnknownElement = errors.New("unknown list element")
	errKeyKind        = errors.New("map key on a list, or list element on a map")
)

// opID is a wire.OpID usable as a map key, its actor interned.
type opID struct {
	ctr   uint64
	actor string
}

func (a opID) compare(b opID) int {
	if c := cmp.Compare(a.ctr, b.ctr); c != 0 {
		return c
	}
	return cmp.Compare(a.actor, b.actor)
}

// object is a map (or table), list or text in the document.
type object struct {
	kind   wire.Action // MakeMap, MakeTable, MakeList or MakeText; MakeMap for the root
	parent *object     // nil for the root
	inElem *elem       // the element holding it, when parent is a list or text
	keys   map[string]*slot
	seq    *sequence
}

func (o *object) isSeq() bool { return o.kind == wire.MakeList || o.kind == wire.MakeText }

// slot holds the ops currently visible at one map key or list element.
type slot struct{ vis []*valOp }

// winner returns the visible op with the greatest ID, or nil.
func (s *slot) winner() *valOp {
	var w *valOp
	for _, v := range s.vis {
		if w == nil || v.id.compare(w.id) > 0 {
			w = v
		}
	}
	return w
}

// remove drops v from the visible ops.
func (s *slot) remove(v *valOp) {
	for k, x := range s.vis {
		if x == v {
			s.vis = append(s.vis[:k], s.vis[k+1:]...)
			return
		}
	}
}

// valOp is a set or make op: a value at a key or element. It stays visible
// until overwritten or deleted; a counter stays visible through increments.
type valOp struct {
	id     opID
	home   *slot
	action wire.Action
	value  wire.Value
	obj    *object // for make ops
	succ   int     // ops listing this one as pred
	incs   int     // of which increments
	incSum int64
}

func (v *valOp) visible() bool {
	if v.action == wire.Set && v.value.Kind == wire.Counter {
		return v.succ <= v.incs
	}
	return v.succ == 0
}

// doc is the model of one document's state.
type doc struct {
	root   *object
	objs   map[opID]*object
	vals   map[opID]*valOp
	elems  map[opID]*elem
	actors map[string]string
}

func newDoc() *doc {
	root := &object{kind: wire.MakeMap, keys: map[string]*slot{}}
	return &doc{root: root, objs: map[opID]*object{{}: root}, vals: map[opID]*valOp{},
		elems: map[opID]*elem{}, actors: map[string]string{}}
}

// id interns id's actor.
func (d *doc) id(id wire.OpID) opID {
	a, ok := d.actors[string(id.Actor)]
	if !ok {
		a = string(id.Actor)
		d.actors[a] = a
	}
	return opID{ctr: id.Counter, actor: a}
}
