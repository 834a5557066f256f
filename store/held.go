package store

import (
	"errors"
	"fmt"
)

// hold keeps e apart, sealed, until its dependencies are stored.
func (tx *Tx) hold(e *entry) error {
	var n int
	if err := tx.one("SELECT count(*) FROM held WHERE doc = ?", []any{e.doc}, &n); err != nil {
		return err
	}
	if n >= MaxHeldPerDoc {
		return &RefusedError{Hash: e.Hash, Reason: ReasonHeldLimit}
	}
	sealed, err := tx.seal("held", e.Change, e.doc, e.hash)
	if err != nil {
		return fmt.Errorf("store: seal held change: %w", err)
	}
	if _, err := tx.exec("INSERT INTO held (doc, hash, blob) VALUES (?, ?, ?)", e.doc, e.hash, sealed); err != nil {
		return err
	}
	tx.cached().held[string(e.doc)] = true
	for _, d := range e.deps {
		if _, err := tx.exec("INSERT INTO held_deps (doc, hash, dep) VALUES (?, ?, ?)", e.doc, e.hash, d); err != nil {
			return err
		}
	}
	return nil
}

// unhold removes e from the held changes, if it is there.
func (tx *Tx) unhold(e *entry) error {
	if may, err := tx.mayHold(e.doc); err != nil || !may {
		return err
	}
	held, err := tx.exists("SELECT 1 FROM held WHERE doc = ? AND hash = ?", e.doc, e.hash)
	if err != nil || !held {
		return err
	}
	if _, err := tx.exec("DELETE FROM held WHERE doc = ? AND hash = ?", e.doc, e.hash); err != nil {
		return err
	}
	_, err = tx.exec("DELETE FROM held_deps WHERE doc = ? AND hash = ?", e.doc, e.hash)
	return err
}

// readyHeld takes out of the held table the changes that depend on dep and
// now have every dependency stored.
func (tx *Tx) readyHeld(doc, dep []byte) ([]*entry, error) {
	may, err := tx.mayHold(doc)
	if err != nil || !may {
		return nil, err
	}
	var hashes [][]byte
	err = tx.each(`SELECT hash FROM held_deps hd WHERE doc = ? AND dep = ? AND NOT EXISTS (
		SELECT 1 FROM held_deps m WHERE m.doc = hd.doc AND m.hash = hd.hash AND NOT EXISTS (
			SELECT 1 FROM changes c WHERE c.doc = m.doc AND c.hash = m.dep))`,
		[]any{doc, dep}, func(scan func(...any) error) error {
			var h []byte
			err := scan(&h)
			hashes = append(hashes, h)
			return err
		})
	if err != nil {
		return nil, err
	}
	var out []*entry
	for _, h := range hashes {
		e, err := tx.takeHeld(doc, h)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// takeHeld opens one held change and removes it from the held table.
func (tx *Tx) takeHeld(doc, hash []byte) (*entry, error) {
	var sealed []byte
	if err := tx.one("SELECT blob FROM held WHERE doc = ? AND hash = ?", []any{doc, hash}, &sealed); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, corrupt("held", hash, errors.New("dependency rows of no held change"))
		}
		return nil, err
	}
	c, err := tx.openChange("held", doc, hash, sealed)
	if err != nil {
		return nil, err
	}
	e := tx.newEntry(c)
	return e, tx.unhold(e)
}
