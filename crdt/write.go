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
	made, err := d.commitWrite(op, at, fn, nil)
	if err != nil || len(made) == 0 {
		return nil, err
	}
	return d.chunksOf(op, made)
}

// commitWrite runs fn and commits what it wrote, without reading the
// changes made: it appends the hash of each commit it made to made and
// returns it (nothing appended when fn wrote nothing: no commit).
func (d *Doc) commitWrite(op string, at time.Time, fn writeFunc, made []am.ChangeHash) ([]am.ChangeHash, error) {
	part := 0
	w := amdoc.NewWriter(d.am, d.piece, func() error {
		part++
		h, err := d.commit(fmt.Sprintf("large edit, part %d", part), at)
		if err == nil {
			made = append(made, h)
		}
		return err
	})
	msg, err := fn(w)
	switch {
	case err != nil && errors.Is(err, ErrInvalid) && !w.Wrote():
		return made, fmt.Errorf("crdt: %s: %w", op, err)
	case err != nil:
		return made, d.poisoned(op, err)
	case !w.Wrote():
		return made, nil
	}
	h, err := d.commit(msg, at)
	if err != nil {
		return made, d.poisoned(op, err)
	}
	return append(made, h), nil
}

// commit commits the pending ops with an explicit time (a zero at writes no
// timestamp; automerge's default would be the wall clock) and returns the
// hash of the change made.
func (d *Doc) commit(msg string, at time.Time) (am.ChangeHash, error) {
	return d.am.Commit(msg, am.CommitOptions{Time: &at})
}

// chunksOf returns the raw chunks of the changes made locally with hashes
// made, in order, refusing (and poisoning the Doc) if one is over
// MaxChangeBytes. Each is looked up by its hash: Automerge finds the
// changes since given heads by walking the whole history, a cost per
// edit that grew with the document.
func (d *Doc) chunksOf(op string, made []am.ChangeHash) ([][]byte, error) {
	out := make([][]byte, len(made))
	for i, h := range made {
		c, err := d.am.Change(h)
		if err != nil {
			return nil, d.poisoned(op, err)
		}
		if out[i] = c.Save(); len(out[i]) > MaxChangeBytes {
			return nil, d.poisoned(op, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(out[i])))
		}
	}
	return out, nil
}
