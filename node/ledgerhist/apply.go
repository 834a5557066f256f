package ledgerhist

import "github.com/weftsync/weft/node/wire"

// toucher learns which object and key (or element) each op changed.
type toucher interface {
	touch(o *object, e *elem, key string)
}

// apply applies one op to the model and tells t what it touched.
func (d *doc) apply(op wire.Op, t toucher) error {
	o, ok := d.objs[d.id(op.Obj)]
	if !ok {
		return errUnknownObject
	}
	if op.MapKey == o.isSeq() {
		return errKeyKind
	}
	s, e, err := d.target(o, op)
	if err != nil {
		return err
	}
	d.succeed(op, s)
	d.place(op, o, s, e)
	t.touch(o, e, op.Key)
	return nil
}

// target finds, or for an insert makes, the slot op acts on.
func (d *doc) target(o *object, op wire.Op) (*slot, *elem, error) {
	if op.MapKey {
		s := o.keys[op.Key]
		if s == nil {
			s = &slot{}
			o.keys[op.Key] = s
		}
		return s, nil, nil
	}
	var ref *elem
	if !op.Elem.IsZero() {
		if ref = d.elems[d.id(op.Elem)]; ref == nil || ref.seq != o.seq {
			return nil, nil, errUnknownElement
		}
	}
	if !op.Insert {
		if ref == nil {
			return nil, nil, errUnknownElement
		}
		return &ref.slot, ref, nil
	}
	e := &elem{id: d.id(op.ID), seq: o.seq}
	o.seq.insert(ref, e)
	d.elems[e.id] = e
	return &e.slot, e, nil
}

// succeed records op as the successor of its preds at the same slot, and
// hides those it overwrites.
func (d *doc) succeed(op wire.Op, s *slot) {
	for _, p := range op.Pred {
		v := d.vals[d.id(p)]
		if v == nil || v.home != s {
			continue
		}
		was := v.visible()
		v.succ++
		if op.Action == wire.Inc {
			v.incs++
			v.incSum += op.Value.Int
		}
		if was && !v.visible() {
			s.remove(v)
		}
	}
}

// place stores a set or make op as a visible value, making the object a
// make op creates.
func (d *doc) place(op wire.Op, o *object, s *slot, e *elem) {
	switch op.Action {
	case wire.Del, wire.Inc, wire.Mark:
		return
	}
	v := &valOp{id: d.id(op.ID), home: s, action: op.Action, value: op.Value}
	switch op.Action {
	case wire.MakeMap, wire.MakeTable:
		v.obj = &object{kind: op.Action, parent: o, inElem: e, keys: map[string]*slot{}}
	case wire.MakeList, wire.MakeText:
		v.obj = &object{kind: op.Action, parent: o, inElem: e, seq: &sequence{}}
	}
	if v.obj != nil {
		d.objs[v.id] = v.obj
	}
	d.vals[v.id] = v
	s.vis = append(s.vis, v)
}
