package member

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
)

// Log is a space's membership log: a grow-only set of verified operations
// keyed by ID. An operation whose follows are not all present waits apart
// (see Missing) and joins the log once they arrive. A Log is not safe for
// concurrent use; its owner serializes calls.
type Log struct {
	space   string
	ops     map[[32]byte]*Op        // every follow present, transitively
	pending map[[32]byte]*Op        // waiting for follows
	waiters map[[32]byte][][32]byte // follow ID -> pending ops that name it
}

// NewLog returns an empty log for space.
func NewLog(space string) *Log {
	return &Log{space: space, ops: map[[32]byte]*Op{}, pending: map[[32]byte]*Op{}, waiters: map[[32]byte][][32]byte{}}
}

// Space returns the ID of the log's space.
func (l *Log) Space() string { return l.space }

// Add verifies op (fields and signature, not the signer's rights) and adds
// a copy of it. An operation already held is accepted again silently; one
// whose follows are missing waits until they are added. It fails with
// ErrWrongSpace for another space's operation and ErrTooManyPending when
// MaxPending operations already wait.
func (l *Log) Add(op *Op) error {
	if op.Space != l.space {
		return fmt.Errorf("member: add operation of space %s to %s: %w", op.Space, l.space, ErrWrongSpace)
	}
	c, err := Decode(op.Encode())
	if err != nil {
		return err
	}
	id := c.ID()
	if l.Has(id) {
		return nil
	}
	if missing := l.missingFollows(c); len(missing) > 0 {
		return l.hold(id, c, missing)
	}
	l.complete(id, c)
	return nil
}

// AddEncoded decodes and verifies an encoded operation (as Decode does) and
// adds it like Add, verifying it once rather than twice: the decoded
// operation is the log's own, so it needs no copy. It returns the decoded
// operation, which the caller must not modify.
func (l *Log) AddEncoded(b []byte) (*Op, error) {
	op, err := Decode(b)
	if err != nil {
		return nil, err
	}
	if op.Space != l.space {
		return nil, fmt.Errorf("member: add operation of space %s to %s: %w", op.Space, l.space, ErrWrongSpace)
	}
	id := op.ID()
	if l.Has(id) {
		return op, nil
	}
	if missing := l.missingFollows(op); len(missing) > 0 {
		if err := l.hold(id, op, missing); err != nil {
			return nil, err
		}
		return op, nil
	}
	l.complete(id, op)
	return op, nil
}

// Clone returns an independent copy of the log: adding to either does not
// change the other. The operations themselves, which nobody modifies, are
// shared.
func (l *Log) Clone() *Log {
	c := &Log{
		space:   l.space,
		ops:     maps.Clone(l.ops),
		pending: maps.Clone(l.pending),
		waiters: make(map[[32]byte][][32]byte, len(l.waiters)),
	}
	for id, w := range l.waiters {
		c.waiters[id] = slices.Clone(w)
	}
	return c
}

// Has reports whether the log holds the operation, waiting or not.
func (l *Log) Has(id [32]byte) bool {
	_, ok := l.ops[id]
	_, waiting := l.pending[id]
	return ok || waiting
}

// Get returns a held operation whose follows are all present. The caller
// must not modify it.
func (l *Log) Get(id [32]byte) (*Op, bool) {
	op, ok := l.ops[id]
	return op, ok
}

// Len returns how many operations the log holds, not counting those waiting.
func (l *Log) Len() int { return len(l.ops) }

// Missing returns, in ascending order, the IDs that waiting operations
// follow and the log does not hold: what to ask peers for.
func (l *Log) Missing() [][32]byte {
	var out [][32]byte
	for id := range l.waiters {
		if !l.Has(id) {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, compareID)
	return out
}

// missingFollows returns the follows of op that are not complete.
func (l *Log) missingFollows(op *Op) [][32]byte {
	var out [][32]byte
	for _, f := range op.Follows {
		if _, ok := l.ops[f]; !ok {
			out = append(out, f)
		}
	}
	return out
}

// hold keeps op apart until its missing follows are complete.
func (l *Log) hold(id [32]byte, op *Op, missing [][32]byte) error {
	if len(l.pending) >= MaxPending {
		return ErrTooManyPending
	}
	l.pending[id] = op
	for _, f := range missing {
		l.waiters[f] = append(l.waiters[f], id)
	}
	return nil
}

// complete adds op to the log, then every waiting operation it completes.
func (l *Log) complete(id [32]byte, op *Op) {
	queue := [][32]byte{id}
	l.ops[id] = op
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		for _, w := range l.waiters[next] {
			if p, ok := l.pending[w]; ok && len(l.missingFollows(p)) == 0 {
				delete(l.pending, w)
				l.ops[w] = p
				queue = append(queue, w)
			}
		}
		delete(l.waiters, next)
	}
}

// compareID orders operation IDs bytewise.
func compareID(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) }
