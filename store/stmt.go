package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps each query prepared once per DB: parsing SQL costs more
// than running most of the store's statements.
//
// It never prepares while a transaction waits: a pool connection may be
// needed to prepare, and every connection may be held by a transaction, so
// a transaction that misses the cache prepares on its own connection, and
// the query joins the cache after the transaction has ended (fill).
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// lookup returns the cached statement for query, if any.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.stmts[query]
	return s, ok
}

// fill prepares the queries transactions missed. It runs outside any
// transaction and holds no lock while it prepares.
func (c *stmtCache) fill(ctx context.Context, db *sql.DB, queries []string) {
	for _, q := range queries {
		if _, ok := c.lookup(q); ok {
			continue
		}
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue // the next transaction prepares it on its own connection again
		}
		c.add(q, s)
	}
}

// add caches s for q, or closes it when another fill got there first.
func (c *stmtCache) add(q string, s *sql.Stmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.stmts[q]; ok {
		s.Close()
		return
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[q] = s
}

// close closes every prepared statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts = nil
}

// stmt writes the transaction's queued change rows (storerows.go), so
// that the statement sees them, then binds the prepared statement for
// query to the transaction (prepared). After a queued row failed to
// write, it returns that failure: the transaction is failed.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if err := tx.writeQueued(); err != nil {
		return nil, err
	}
	return tx.prepared(query)
}

// prepared binds the prepared statement for query to the transaction: the
// cached one, or one prepared on the transaction's own connection.
// Either is kept for the rest of the transaction: a transaction that
// stores thousands of changes (a sync frame) binds or prepares each query
// once, not once per change. database/sql closes them with the
// transaction.
func (tx *Tx) prepared(query string) (*sql.Stmt, error) {
	if s, ok := tx.bound[query]; ok {
		return s, nil
	}
	if tx.bound == nil {
		tx.bound = map[string]*sql.Stmt{}
	}
	if s, ok := tx.cache.lookup(query); ok {
		bs := tx.tx.StmtContext(tx.ctx, s)
		tx.bound[query] = bs
		return bs, nil
	}
	s, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, busy(err)
	}
	tx.misses = append(tx.misses, query)
	tx.bound[query] = s
	return s, nil
}
