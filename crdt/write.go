package crdt

import (
	"errors"
	"fmt"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
)

// writeFunc makes the writes of one logical edit and returns its commit
// message. An error matching ErrInvalid before anything was written leaves
// the document untouched.
type writeFunc func(w *amdoc.Writer) (msg string, err error)

// write runs fn as one logical edit: one commit at time at (or several, when
// a large text must go in pieces), and returns the raw change chunks made.
// An edit that writes nothing makes no commit and returns no chunks.
func (d *Doc) write(op string, at time.Time, fn writeFunc) ([][]byte, error) {
	if d.poison != nil {
		return nil, d.poison
	}
	old := d.am.Heads()
	wrote, err := d.commitWrite(op, at, fn)
	if err != nil || !wrote {
		return nil, err
	}
	return d.newChunks(op, old)
}

// commitWrite runs fn and commits what it wrote, without reading the
// changes made; wrote is false when fn wrote nothing (no commit).
func (d *Doc) commitWrite(op string, at time.Time, fn writeFunc) (wrote bool, err error) {
	part := 0
	w := amdoc.NewWriter(d.am, d.piece, func() error {
		part++
		return d.commit(fmt.Sprintf("large edit, part %d", part), at)
	})
	msg, err := fn(w)
	switch {
	case err != nil && errors.Is(err, ErrInvalid) && !w.Wrote():
		return false, fmt.Errorf("crdt: %s: %w", op, err)
	case err != nil:
		return false, d.poisoned(op, err)
	case !w.Wrote():
		return false, nil
	}
	if err := d.commit(msg, at); err != nil {
		return false, d.poisoned(op, err)
	}
	return true, nil
}

// commit commits the pending ops with an explicit time (a zero at writes no
// timestamp; automerge's default would be the wall clock).
func (d *Doc) commit(msg string, at time.Time) error {
	_, err := d.am.Commit(msg, am.CommitOptions{Time: &at})
	return err
}

// newChunks returns the raw chunks of the changes made since old, refusing
// (and poisoning the Doc) if one is over MaxChangeBytes.
func (d *Doc) newChunks(op string, old []am.ChangeHash) ([][]byte, error) {
	for _, h := range old { // Changes(since) returns everything for an unknown hash
		if _, err := d.am.Change(h); err != nil {
			return nil, d.poisoned(op, err)
		}
	}
	chs, err := d.am.Changes(old...)
	if err != nil {
		return nil, d.poisoned(op, err)
	}
	out := make([][]byte, len(chs))
	for i, c := range chs {
		if out[i] = c.Save(); len(out[i]) > MaxChangeBytes {
			return nil, d.poisoned(op, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(out[i])))
		}
	}
	return out, nil
}
