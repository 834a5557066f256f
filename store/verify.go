package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// VerifyAll checks the store's change log as a whole, to run once after
// Unlock: every document's manifest matches its change rows, every document
// with changes has a manifest, and every stored change's dependencies are
// stored. It returns ErrCorrupt naming the first failure. Sealed values are
// not opened here: each is authenticated when it is read.
func (db *DB) VerifyAll(ctx context.Context) error {
	return db.View(ctx, func(tx *Tx) error {
		if err := tx.unlocked(); err != nil {
			return err
		}
		if err := tx.verifyManifests(); err != nil {
			return err
		}
		if err := tx.none("changes", `SELECT doc FROM changes
			WHERE doc NOT IN (SELECT doc FROM manifests) LIMIT 1`); err != nil {
			return err
		}
		return tx.none("change_deps", `SELECT dep FROM change_deps d WHERE NOT EXISTS (
			SELECT 1 FROM changes c WHERE c.doc = d.doc AND c.hash = d.dep) LIMIT 1`)
	})
}

// verifyManifests checks every manifest.
func (tx *Tx) verifyManifests() error {
	var docs [][]byte
	err := tx.each("SELECT doc FROM manifests", nil, func(scan func(...any) error) error {
		var d []byte
		err := scan(&d)
		docs = append(docs, d)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	for _, d := range docs {
		if err := tx.verifyManifest(d); err != nil {
			return err
		}
	}
	return nil
}

// none fails with ErrCorrupt when query returns a row.
func (tx *Tx) none(table, query string) error {
	var key []byte
	err := tx.one(query, nil, &key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	return corrupt(table, key, errors.New("row without its manifest or dependency"))
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns
// ErrCorrupt with its findings when the file is damaged.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("store: integrity check: %w", busy(err))
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		found = append(found, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check: %w", busy(err))
	}
	if len(found) != 1 || found[0] != "ok" {
		return fmt.Errorf("store: integrity check: %s: %w", strings.Join(found, "; "), ErrCorrupt)
	}
	return nil
}
