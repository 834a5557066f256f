package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Tx is one transaction, given to the functions passed to Update and View.
// It is valid only until that function returns and is not safe for
// concurrent use.
type Tx struct {
	ctx      context.Context
	tx       *sql.Tx
	db       *sql.DB
	cache    *stmtCache
	sealer   Sealer // nil while locked
	writable bool
	txc      *txCache
	cuts     *cutState            // the DB's
	misses   []string             // queries prepared on this transaction's connection
	bound    map[string]*sql.Stmt // statements bound to this transaction, by query
	memo     map[string][]byte    // sealer indexes computed in this transaction, by ID (indexOf)
	wrote    int64                // bytes of the values exec bound: about what the WAL grows by (checkpoint.go)
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE) and commits it
// when fn returns nil. When fn returns an error or panics, the transaction
// is rolled back and nothing it wrote remains. It is the only way to write.
// A lock held elsewhere past the busy timeout gives ErrBusy.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, true, fn)
}

// View runs fn in one read transaction, which sees a consistent snapshot.
// Write methods called inside it fail with ErrReadOnly.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, false, fn)
}

// run begins, calls fn, and commits or rolls back.
func (db *DB) run(ctx context.Context, write bool, fn func(*Tx) error) (err error) {
	pool, cache := db.rsql, &db.rstmts
	if write {
		pool, cache = db.sql, &db.stmts
		if err := db.takeWriteTurn(ctx); err != nil {
			return err
		}
		defer func() { <-db.writeTurn }() // after the commit or rollback below
	}
	stx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: !write})
	if err != nil {
		return fmt.Errorf("store: begin: %w", busy(err))
	}
	tx := &Tx{ctx: ctx, tx: stx, db: pool, cache: cache, cuts: &db.cuts, writable: write}
	if b := db.sealer.Load(); b != nil {
		tx.sealer = b.s
	}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
		// With the connection back in the pool, cache what this transaction
		// had to prepare itself.
		cache.fill(context.WithoutCancel(ctx), pool, tx.misses)
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.flush(); err != nil {
		return fmt.Errorf("store: write queued rows and manifests: %w", err)
	}
	if write {
		db.digests.gen.Add(1) // odd while the commit may land (digestcache.go)
	}
	err = stx.Commit()
	if write {
		db.digests.gen.Add(1)
	}
	if err != nil {
		return fmt.Errorf("store: commit: %w", busy(err))
	}
	if write && db.ckpt != nil {
		db.ckpt.wrote(tx.wrote)
	}
	return nil
}

// takeWriteTurn waits until no other write transaction of this process
// runs, at most busyWait: writers queue here in the order they came, where
// SQLite's busy handler would let one connection's writers starve
// another's.
func (db *DB) takeWriteTurn(ctx context.Context) error {
	t := time.NewTimer(busyWait)
	defer t.Stop()
	select {
	case db.writeTurn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("store: begin: %w", ctx.Err())
	case <-t.C:
		return fmt.Errorf("store: begin: another write transaction ran for %v: %w", busyWait, ErrBusy)
	}
}

// exec runs a statement in the transaction. The statement itself runs
// under a context that is never cancelled: the driver would otherwise
// start a goroutine per statement to watch for cancellation, which costs
// more than the insert it watches. Cancellation still ends the
// transaction: exec checks the context first, and database/sql rolls the
// transaction back when it is cancelled.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if err := tx.ctx.Err(); err != nil {
		return nil, err
	}
	s, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	tx.wrote += argBytes(args)
	r, err := s.ExecContext(context.WithoutCancel(tx.ctx), args...)
	return r, busy(err)
}

// query runs a query in the transaction.
func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	s, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	r, err := s.QueryContext(tx.ctx, args...)
	return r, busy(err)
}

// row runs a one-row query in the transaction, after writing the queued
// change rows (a failure to write them fails the transaction's commit).
func (tx *Tx) row(query string, args ...any) *sql.Row {
	_ = tx.writeQueued() // sticky: Tx.flush returns it before the commit
	return tx.tx.QueryRowContext(tx.ctx, query, args...)
}

// canWrite fails inside View.
func (tx *Tx) canWrite() error {
	if !tx.writable {
		return ErrReadOnly
	}
	return nil
}

// unlocked fails while the store is locked.
func (tx *Tx) unlocked() error {
	if tx.sealer == nil {
		return ErrLocked
	}
	return nil
}

// writer fails unless the transaction may write sealed rows.
func (tx *Tx) writer() error {
	if err := tx.canWrite(); err != nil {
		return err
	}
	return tx.unlocked()
}

// argBytes estimates the bytes a statement's values take: its blobs and
// strings, and a few bytes for each other value.
func argBytes(args []any) int64 {
	n := int64(len(args)) * 8
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			n += int64(len(v))
		case string:
			n += int64(len(v))
		}
	}
	return n
}
