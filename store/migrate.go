package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema step.
type migration struct {
	version int
	sql     string
}

// migrations lists the embedded steps in order; numbers must run 1, 2, 3...
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for i, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || n != i+1 {
			return nil, fmt.Errorf("store: migration %s is out of sequence", base)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: n, sql: string(b)})
	}
	return out, nil
}

// SchemaVersion is the schema version this build migrates to, kept in the
// file's PRAGMA user_version.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// migrate applies, each in its own immediate transaction, every step newer
// than the file's user_version.
func migrate(ctx context.Context, sdb *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for {
		done, err := migrateOne(ctx, sdb, ms)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next step, reporting done when none is left.
func migrateOne(ctx context.Context, sdb *sql.DB, ms []migration) (done bool, err error) {
	tx, err := sdb.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: migrate: %w", busy(err))
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, fmt.Errorf("store: migrate: %w", busy(err))
	}
	if v > len(ms) {
		return false, fmt.Errorf("store: schema version %d, this build knows %d: %w", v, len(ms), ErrTooNew)
	}
	if v == len(ms) {
		return true, nil
	}
	m := ms[v]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("store: migrate to %d: %w", m.version, busy(err))
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return false, fmt.Errorf("store: migrate to %d: %w", m.version, busy(err))
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: migrate to %d: %w", m.version, busy(err))
	}
	return false, nil
}
