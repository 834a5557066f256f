package store

import (
	"database/sql"
	"errors"
)

// one scans a one-row query into dest, mapping no row to ErrNotFound.
func (tx *Tx) one(query string, args []any, dest ...any) error {
	s, err := tx.stmt(query)
	if err != nil {
		return err
	}
	err = s.QueryRowContext(tx.ctx, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return busy(err)
}

// each runs query and calls fn with the scanned columns of every row.
func (tx *Tx) each(query string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := tx.query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return busy(rows.Err())
}

// exists reports whether query returns a row.
func (tx *Tx) exists(query string, args ...any) (bool, error) {
	var one int
	err := tx.one(query, args, &one)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
