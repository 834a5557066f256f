package wire

import (
	"bytes"
	"fmt"
)

// Actions (notes §6).
const (
	actMakeMap   = 0
	actSet       = 1
	actMakeList  = 2
	actDel       = 3
	actMakeText  = 4
	actInc       = 5
	actMakeTable = 6
	actMark      = 7
)

// opName names the op with counter ctr, for error detail.
func opName(ctr uint64) string { return fmt.Sprintf("op %d", ctr) }

// op reads and checks one row of every column (notes §8.2, §9 rules 10–13).
func (w *walker) op() error {
	if err := w.obj(); err != nil {
		return at("obj", err)
	}
	if err := w.key(); err != nil {
		return at("key", err)
	}
	insert, err := w.insert.next()
	if err != nil {
		return at("insert", err)
	}
	act, err := w.nextAction()
	if err != nil {
		return at("action", err)
	}
	w.cur.Insert, w.cur.Action = insert, Action(act)
	meta, err := w.value()
	if err != nil {
		return at("value", err)
	}
	npred, err := w.pred()
	if err != nil {
		return at("pred", err)
	}
	named, err := w.mark(act)
	if err != nil {
		return at("mark", err)
	}
	return checkAction(act, insert, meta, npred, named)
}

// obj reads the target object: root (null, null) or an op ID.
func (w *walker) obj() error {
	a, aok, err := w.objActor.next()
	if err != nil {
		return err
	}
	c, cok, err := w.objCtr.next()
	switch {
	case err != nil:
		return err
	case !aok && !cok:
		return nil
	case aok && cok:
		return w.opID(a.u, c.u, &w.cur.Obj)
	}
	return errorf(ErrMalformed, "half an object ID")
}

// key reads the key: a map key, HEAD, or a list element's op ID.
func (w *walker) key() error {
	a, aok, err := w.keyActor.next()
	if err != nil {
		return err
	}
	c, cok, err := w.keyCtr.next()
	if err != nil {
		return err
	}
	s, sok, err := w.keyStr.next()
	switch {
	case err != nil:
		return err
	case sok && !aok && !cok:
		if w.keep() {
			w.cur.MapKey, w.cur.Key = true, string(s.str)
		}
		return nil
	case !sok && !aok && cok && c == 0:
		return nil
	case !sok && aok && cok:
		return w.opID(a.u, c, &w.cur.Elem)
	}
	return errorf(ErrMalformed, "key neither a map key, HEAD nor an element")
}

// opID checks an op ID's actor index and counter, records the actor as
// referenced and, when the walker keeps ops, stores the ID in id.
func (w *walker) opID(actor, ctr uint64, id *OpID) error {
	if actor >= w.actorCount() {
		return errorf(ErrMalformed, "actor index %d of %d actors", actor, w.actorCount())
	}
	if ctr == 0 || ctr > MaxOpCounter {
		return errorf(ErrMalformed, "op counter %d", ctr)
	}
	w.refer(actor)
	if w.keep() {
		*id = OpID{Counter: ctr, Actor: w.actor(actor)}
	}
	return nil
}

// nextAction reads the action, 0 to 7.
func (w *walker) nextAction() (uint64, error) {
	v, ok, err := w.action.next()
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, errorf(ErrMalformed, "null action")
	case v.u > actMark:
		return 0, errorf(ErrMalformed, "unknown action %d", v.u)
	}
	return v.u, nil
}

// pred reads the op's predecessors, strictly ascending by (counter, actor
// bytes), and returns how many there are.
func (w *walker) pred() (uint64, error) {
	v, ok, err := w.predCount.next()
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, errorf(ErrMalformed, "null pred count")
	case v.u > MaxPredsPerOp:
		return 0, errorf(ErrTooLarge, "%d preds over %d", v.u, MaxPredsPerOp)
	case v.u > MaxPredsPerChange-w.preds:
		return 0, errorf(ErrTooLarge, "over %d preds in the change", MaxPredsPerChange)
	}
	w.preds += v.u
	var prevCtr uint64
	var prevActor []byte
	for i := uint64(0); i < v.u; i++ {
		ctr, actor, err := w.onePred()
		if err != nil {
			return 0, err
		}
		if i > 0 && (ctr < prevCtr || ctr == prevCtr && bytes.Compare(actor, prevActor) <= 0) {
			return 0, errorf(ErrNotCanonical, "preds not strictly ascending")
		}
		prevCtr, prevActor = ctr, actor
	}
	return v.u, nil
}

// onePred reads one predecessor op ID and returns its counter and actor.
func (w *walker) onePred() (uint64, []byte, error) {
	a, aok, err := w.predActor.next()
	if err != nil {
		return 0, nil, err
	}
	c, cok, err := w.predCtr.next()
	if err != nil {
		return 0, nil, err
	}
	if !aok || !cok {
		return 0, nil, errorf(ErrMalformed, "null pred")
	}
	var id OpID
	if err := w.opID(a.u, c, &id); err != nil {
		return 0, nil, err
	}
	if w.keep() {
		w.cur.Pred = append(w.cur.Pred, id)
	}
	return c, w.actor(a.u), nil
}

// mark reads the expand flag and the mark name, which only a mark may carry,
// and reports whether the op has a name.
func (w *walker) mark(act uint64) (bool, error) {
	expand, err := w.expand.next()
	if err != nil {
		return false, err
	}
	name, named, err := w.markName.next()
	if err != nil {
		return false, err
	}
	if w.keep() {
		w.cur.Expand, w.cur.MarkName = expand, string(name.str)
	}
	if (expand || named) && act != actMark {
		return false, errorf(ErrNotCanonical, "expand or mark name on action %d", act)
	}
	return named, nil
}

// checkAction applies the writer's rules tying the value and insert flag to
// the action (notes §9 rules 10 and 11).
func checkAction(act uint64, insert bool, meta, npred uint64, named bool) error {
	switch act {
	case actMakeMap, actMakeList, actMakeText, actMakeTable:
		if meta != 0 {
			return errorf(ErrNotCanonical, "action %d with a value", act)
		}
	case actDel:
		if meta != 0 || insert || npred == 0 {
			return errorf(ErrNotCanonical, "del with a value, insert or no pred")
		}
	case actInc:
		if meta&0x0f != valInt {
			return errorf(ErrMalformed, "inc by a value of type %d", meta&0x0f)
		}
	case actMark:
		if !named && meta != 0 {
			return errorf(ErrNotCanonical, "mark end with a value")
		}
	}
	return nil
}
