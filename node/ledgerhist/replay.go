package ledgerhist

import (
	"fmt"

	"github.com/weftsync/weft/node/wire"
)

// pending is a parsed change, with the index it was given at.
type pending struct {
	c     *wire.Change
	ops   []wire.Op
	index int
}

// replay is History's state: the document model, the entries index and
// what each entry held when last seen.
type replay struct {
	doc     *doc
	applied map[[32]byte]bool
	queued  map[[32]byte]bool
	waiting []pending // changes whose dependencies are not all applied
	entries *index
	events  []Event
}

func newReplay() *replay {
	d := newDoc()
	return &replay{doc: d, applied: map[[32]byte]bool{}, queued: map[[32]byte]bool{}, entries: newIndex(d)}
}

// load applies change p, given at index i, and every waiting change it
// makes ready, then reports what changed in the entries.
func (r *replay) load(i int, p pending) error {
	if err := r.add(p); err != nil {
		return err
	}
	r.events = r.entries.step(i, r.events)
	return nil
}

// add applies p if it is new and ready, and what it makes ready; it queues
// p if not ready, as the engine's LoadIncremental does, except into an
// empty document, which the engine loads whole and so refuses.
func (r *replay) add(p pending) error {
	h := p.c.Hash
	switch {
	case r.applied[h] || r.queued[h]:
		return nil
	case !r.ready(p.c) && len(r.applied) == 0 && len(r.waiting) == 0:
		return fmt.Errorf("%w: change %d", ErrMissingDeps, p.index)
	case !r.ready(p.c):
		r.queued[h] = true
		r.waiting = append(r.waiting, p)
		return nil
	}
	if err := r.apply(p); err != nil {
		return err
	}
	return r.drain()
}

// ready reports whether every dependency of c has been applied.
func (r *replay) ready(c *wire.Change) bool {
	for _, d := range c.Deps {
		if !r.applied[d] {
			return false
		}
	}
	return true
}

// drain applies waiting changes until none is ready.
func (r *replay) drain() error {
	for progress := true; progress; {
		progress = false
		for k := 0; k < len(r.waiting); k++ {
			p := r.waiting[k]
			if !r.ready(p.c) {
				continue
			}
			r.waiting = append(r.waiting[:k], r.waiting[k+1:]...)
			delete(r.queued, p.c.Hash)
			if err := r.apply(p); err != nil {
				return err
			}
			progress, k = true, k-1
		}
	}
	return nil
}

// apply applies one ready change's ops to the model.
func (r *replay) apply(p pending) error {
	r.applied[p.c.Hash] = true
	for _, op := range p.ops {
		if err := r.doc.apply(op, r.entries); err != nil {
			return fmt.Errorf("ledgerhist: change %d: op %s: %w", p.index, op.ID, err)
		}
	}
	return nil
}
