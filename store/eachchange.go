package store

import "fmt"

// EachChange calls fn with each stored change of doc, in stored (causal)
// order, leaving out what a cut excludes, as Changes returns them, but
// without holding them all: a reader can hand the first ones on while it
// reads the rest (a sync responder streaming a large document, decision
// 0028). An error from fn stops the read and is returned.
func (tx *Tx) EachChange(doc string, fn func(Change) error) error {
	if err := tx.unlocked(); err != nil {
		return err
	}
	d := tx.index(doc)
	ex, err := tx.excluded(d)
	if err != nil {
		return fmt.Errorf("store: changes: %w", err)
	}
	var stop error // fn's own error, returned as it is
	err = tx.each("SELECT hash, blob FROM changes WHERE doc = ? ORDER BY n", []any{d},
		func(scan func(...any) error) error {
			var h, sealed []byte
			if err := scan(&h, &sealed); err != nil || ex[string(h)] {
				return err
			}
			c, err := tx.openChange("changes", d, h, sealed)
			if err != nil {
				return err
			}
			stop = fn(c)
			return stop
		})
	if stop != nil {
		return stop
	}
	if err != nil {
		return fmt.Errorf("store: changes: %w", err)
	}
	return nil
}
