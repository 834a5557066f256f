package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// dsnParams are applied by the driver to every new connection: WAL,
// synchronous=FULL so a commit the user is told is saved survives power
// loss, a busy timeout, foreign keys and secure_delete.
const dsnParams = "_journal_mode=WAL&_synchronous=FULL" +
	"&_busy_timeout=10000&_foreign_keys=on&_secure_delete=on"

// writerParams make the writer pool's transactions BEGIN IMMEDIATE: a
// deferred transaction upgrading to a write fails at once with
// SQLITE_BUSY_SNAPSHOT, whatever the timeout. The driver applies its
// _txlock to every BEGIN, read-only or not, so readers have a pool of
// their own whose transactions stay deferred and never take the write
// lock.
const writerParams = "&_txlock=immediate"

// readerParams give each reader connection a page cache of 512 KiB
// instead of SQLite's 2 MiB: readers serve pulls and views, whose pages
// the kernel's page cache holds anyway, and four full caches were a
// tenth of a serving node's resident memory (decision 0041). The writer
// keeps the default, which its transactions use.
const readerParams = "&_cache_size=-512"

// The pools' sizes: one writer at a time (Update takes the writer's turn,
// writeTurn, before it asks the pool), a few readers beside it.
const (
	maxWriters = 1
	maxReaders = 4
)

// busyWait is how long Update waits for another write transaction of this
// process to end before failing with ErrBusy, as the busy timeout bounds
// the wait for another process's.
var busyWait = 10 * time.Second // a variable for tests

// DB is an open store. It is safe for concurrent use; Close it once done.
type DB struct {
	sql       *sql.DB // writers: BEGIN IMMEDIATE
	rsql      *sql.DB // readers: deferred BEGIN
	path      string
	sealer    atomic.Pointer[sealerBox]
	stmts     stmtCache     // the writer pool's
	rstmts    stmtCache     // the reader pool's
	cuts      cutState      // whether any cut is stored (live.go)
	writeTurn chan struct{} // holds a token while a write transaction runs
	ckpt      *checkpointer // checkpoints the WAL beside the writer (checkpoint.go)
	digests   digestCache   // the write generation and the space digests read at it (digestcache.go)
	closeOnce sync.Once
	closeErr  error
}

// sealerBox lets an interface value live in an atomic.Pointer.
type sealerBox struct{ s Sealer }

// Open opens the store at path, creating the file (mode 0600) when it does
// not exist, and migrates its schema. The parent folder must exist. The
// returned DB is locked: only the keyring and the instance ID are usable
// until Unlock.
func Open(ctx context.Context, path string) (*DB, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := prepareFile(path); err != nil {
		return nil, err
	}
	dsn := uriPath(path) + "?" + dsnParams
	wdb, err := sql.Open(writerDriver, dsn+writerParams)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(maxWriters)
	rdb, err := sql.Open("sqlite3", dsn+readerParams)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(maxReaders)
	db := &DB{sql: wdb, rsql: rdb, path: path, writeTurn: make(chan struct{}, 1)}
	if err := db.init(ctx); err != nil {
		rdb.Close()
		wdb.Close()
		return nil, err
	}
	db.ckpt = startCheckpointer(rdb)
	return db, nil
}

// init checks the pragmas took effect, migrates and makes the instance ID.
func (db *DB) init(ctx context.Context) error {
	for _, sdb := range []*sql.DB{db.sql, db.rsql} {
		if err := checkPragmas(ctx, sdb); err != nil {
			return err
		}
	}
	if err := migrate(ctx, db.sql); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error { return tx.ensureInstanceID() })
}

// prepareFile checks the parent folder and creates the file with mode 0600,
// or tightens an existing file's mode to 0600.
func prepareFile(path string) error {
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("store: open: %w", err)
	}
	if !dir.IsDir() {
		return fmt.Errorf("store: open: %s is not a folder", filepath.Dir(path))
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("store: create: %w", err)
		}
		return f.Close()
	case err != nil:
		return fmt.Errorf("store: open: %w", err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("store: open: %s is not a regular file", path)
	case fi.Mode().Perm()&0o077 != 0:
		return os.Chmod(path, 0o600)
	}
	return nil
}

// uriPath makes an SQLite URI of an absolute path, escaping the characters
// a URI gives meaning to.
func uriPath(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path)
}

// checkPragmas fails when the connection did not take WAL or FULL.
func checkPragmas(ctx context.Context, sdb *sql.DB) error {
	var mode string
	var sync int
	if err := sdb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("store: pragma: %w", busy(err))
	}
	if err := sdb.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("store: pragma: %w", busy(err))
	}
	if !strings.EqualFold(mode, "wal") || sync != 2 {
		return fmt.Errorf("store: pragmas not applied (journal_mode %s, synchronous %d)", mode, sync)
	}
	return nil
}

// Unlock gives the store the sealer made from the data key. Until it is
// called, every method but the keyring's and InstanceID fails with
// ErrLocked. Safe to call concurrently with transactions; a transaction
// uses the sealer it started with.
func (db *DB) Unlock(s Sealer) {
	db.sealer.Store(&sealerBox{s})
}

// Path is the file the store lives in.
func (db *DB) Path() string { return db.path }

// Close closes the store. It is idempotent; transactions must have ended.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.sealer.Store(nil)
		if db.ckpt != nil {
			db.ckpt.stop()
		}
		db.stmts.close()
		db.rstmts.close()
		db.closeErr = errors.Join(db.rsql.Close(), db.sql.Close())
	})
	return db.closeErr
}

// busy maps SQLITE_BUSY (and SQLITE_LOCKED) to ErrBusy, keeping err's text.
func busy(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		if se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked {
			return fmt.Errorf("%w: %v", ErrBusy, err)
		}
	}
	return err
}
