package store

import "fmt"

// OutboxRow is one change waiting to be published.
type OutboxRow struct {
	_    struct{} `cbor:",toarray"`
	Doc  string
	Hash [32]byte
}

// AddOutbox queues a stored change for publishing; queuing it twice is a
// no-op, and a change that is not stored cannot be queued. The row takes
// its change's n (migration 0006).
func (tx *Tx) AddOutbox(doc string, hash [32]byte) error {
	return tx.AddOutboxMany(doc, [][32]byte{hash})
}

// Outbox returns up to limit queued changes, oldest first: in the order
// their changes were stored, which is causal.
func (tx *Tx) Outbox(limit int) ([]OutboxRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []OutboxRow
	err := tx.each("SELECT doc, hash, blob FROM outbox ORDER BY n LIMIT ?", []any{limit},
		func(scan func(...any) error) error {
			var d, h, sealed []byte
			if err := scan(&d, &h, &sealed); err != nil {
				return err
			}
			var r OutboxRow
			err := tx.open("outbox", sealed, &r, d, h)
			out = append(out, r)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}

// DeleteOutbox removes published changes from the queue. A row is found
// by its change's n, through the changes' (doc, hash) index (the outbox
// has none of its own: migration 0006).
func (tx *Tx) DeleteOutbox(rows ...OutboxRow) error {
	if err := tx.writer(); err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.exec(deleteOutboxRow, tx.index(r.Doc), tx.hashIndex(r.Hash)); err != nil {
			return fmt.Errorf("store: delete outbox: %w", err)
		}
	}
	return nil
}

// OutboxLen counts the queued changes without opening them.
func (tx *Tx) OutboxLen() (int, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	var n int
	if err := tx.one("SELECT count(*) FROM outbox", nil, &n); err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	return n, nil
}

// deleteOutboxRow deletes the outbox row of the change at (doc, hash)
// (?1, ?2); the row's own columns must name it too.
const deleteOutboxRow = "DELETE FROM outbox WHERE n = (SELECT n FROM changes WHERE doc = ?1 AND hash = ?2) AND doc = ?1 AND hash = ?2"
