package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// PendingJoin is one remembered join: the space it is for and the caller's
// encoding of it (the invite code, attempts), sealed at rest.
type PendingJoin struct {
	_     struct{} `cbor:",toarray"`
	Space string
	Blob  []byte
}

// PutPendingJoin stores (or replaces) the pending join of space, sealed.
func (tx *Tx) PutPendingJoin(space string, blob []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if space == "" {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	k := tx.index(space)
	sealed, err := tx.seal("pending_joins", PendingJoin{Space: space, Blob: blob}, k)
	if err != nil {
		return fmt.Errorf("store: seal pending join: %w", err)
	}
	_, err = tx.exec(`INSERT INTO pending_joins (space, blob) VALUES (?, ?)
		ON CONFLICT (space) DO UPDATE SET blob = excluded.blob`, k, sealed)
	if err != nil {
		return fmt.Errorf("store: put pending join: %w", err)
	}
	return nil
}

// DeletePendingJoin forgets the pending join of space, if any.
func (tx *Tx) DeletePendingJoin(space string) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if _, err := tx.exec("DELETE FROM pending_joins WHERE space = ?", tx.index(space)); err != nil {
		return fmt.Errorf("store: delete pending join: %w", err)
	}
	return nil
}

// PendingJoins returns every pending join, in no particular order.
func (tx *Tx) PendingJoins() ([]PendingJoin, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []PendingJoin
	err := tx.each("SELECT space, blob FROM pending_joins", nil, func(scan func(...any) error) error {
		var k, sealed []byte
		if err := scan(&k, &sealed); err != nil {
			return err
		}
		var p PendingJoin
		if err := tx.open("pending_joins", sealed, &p, k); err != nil {
			return err
		}
		if string(tx.index(p.Space)) != string(k) {
			return corrupt("pending_joins", k, nil)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: pending joins: %w", err)
	}
	return out, nil
}

// QueuedEdit is one typed command queued for a space: N orders the queue,
// Blob is the caller's encoding of the command.
type QueuedEdit struct {
	N    int64
	Blob []byte
}

// QueueEdit appends a command to space's queue, sealed.
func (tx *Tx) QueueEdit(space string, blob []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if space == "" {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	s := tx.index(space)
	r, err := tx.exec("INSERT INTO queued_edits (space, blob) VALUES (?, x'')", s)
	if err != nil {
		return fmt.Errorf("store: queue edit: %w", err)
	}
	n, err := r.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: queue edit: %w", err)
	}
	sealed, err := tx.seal("queued_edits", blob, s, fmt.Appendf(nil, "%d", n))
	if err != nil {
		return fmt.Errorf("store: seal queued edit: %w", err)
	}
	if _, err := tx.exec("UPDATE queued_edits SET blob = ? WHERE n = ?", sealed, n); err != nil {
		return fmt.Errorf("store: queue edit: %w", err)
	}
	return nil
}

// QueuedEdits returns space's queued commands in the order they were queued.
func (tx *Tx) QueuedEdits(space string) ([]QueuedEdit, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	s := tx.index(space)
	var out []QueuedEdit
	err := tx.each("SELECT n, blob FROM queued_edits WHERE space = ? ORDER BY n", []any{s},
		func(scan func(...any) error) error {
			var q QueuedEdit
			var sealed []byte
			if err := scan(&q.N, &sealed); err != nil {
				return err
			}
			err := tx.open("queued_edits", sealed, &q.Blob, s, fmt.Appendf(nil, "%d", q.N))
			out = append(out, q)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: queued edits: %w", err)
	}
	return out, nil
}

// CountQueuedEdits counts space's queued commands.
func (tx *Tx) CountQueuedEdits(space string) (int, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	var n int
	if err := tx.row("SELECT count(*) FROM queued_edits WHERE space = ?", tx.index(space)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count queued edits: %w", busy(err))
	}
	return n, nil
}

// DeleteQueuedEdit removes one queued command, reporting whether it was
// still there.
func (tx *Tx) DeleteQueuedEdit(n int64) (bool, error) {
	if err := tx.writer(); err != nil {
		return false, err
	}
	r, err := tx.exec("DELETE FROM queued_edits WHERE n = ?", n)
	if err != nil {
		return false, fmt.Errorf("store: delete queued edit: %w", err)
	}
	k, err := r.RowsAffected()
	return k == 1, err
}

// DeleteQueuedEdits removes every queued command of space and returns how
// many there were.
func (tx *Tx) DeleteQueuedEdits(space string) (int, error) {
	if err := tx.writer(); err != nil {
		return 0, err
	}
	r, err := tx.exec("DELETE FROM queued_edits WHERE space = ?", tx.index(space))
	if err != nil {
		return 0, fmt.Errorf("store: delete queued edits: %w", err)
	}
	k, err := r.RowsAffected()
	return int(k), err
}

// PutSelfAddrs remembers, sealed, the addresses this node last listened on
// (the caller's encoding).
func (tx *Tx) PutSelfAddrs(blob []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	sealed, err := tx.seal("self_addrs", blob)
	if err != nil {
		return fmt.Errorf("store: seal addresses: %w", err)
	}
	_, err = tx.exec(`INSERT INTO self_addrs (id, blob) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET blob = excluded.blob`, sealed)
	if err != nil {
		return fmt.Errorf("store: put addresses: %w", err)
	}
	return nil
}

// SelfAddrs returns what PutSelfAddrs stored, or ErrNotFound.
func (tx *Tx) SelfAddrs() ([]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var sealed []byte
	err := tx.row("SELECT blob FROM self_addrs WHERE id = 1").Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: addresses: %w", busy(err))
	}
	var b []byte
	return b, tx.open("self_addrs", sealed, &b)
}
