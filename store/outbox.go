package store

import "fmt"

// OutboxRow is one change waiting to be published.
type OutboxRow struct {
	_    struct{} `cbor:",toarray"`
	Doc  string
	Hash [32]byte
}

// AddOutbox queues a stored change for publishing; queuing it twice is a
// no-op.
func (tx *Tx) AddOutbox(doc string, hash [32]byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	d, h := tx.index(doc), tx.hashIndex(hash)
	sealed, err := tx.seal("outbox", OutboxRow{Doc: doc, Hash: hash}, d, h)
	if err != nil {
		return fmt.Errorf("store: seal outbox: %w", err)
	}
	if _, err := tx.exec("INSERT OR IGNORE INTO outbox (doc, hash, blob) VALUES (?, ?, ?)", d, h, sealed); err != nil {
		return fmt.Errorf("store: add outbox: %w", err)
	}
	return nil
}

// Outbox returns up to limit queued changes, oldest first.
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

// DeleteOutbox removes published changes from the queue.
func (tx *Tx) DeleteOutbox(rows ...OutboxRow) error {
	if err := tx.writer(); err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.exec("DELETE FROM outbox WHERE doc = ? AND hash = ?", tx.index(r.Doc), tx.hashIndex(r.Hash)); err != nil {
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
