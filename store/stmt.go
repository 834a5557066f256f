package store

import (
	"database/sql"
	"sync"
)

// stmtCache keeps each query prepared once per connection: parsing SQL
// costs more than running most of the store's statements.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// get returns the prepared statement for query, preparing it on first use.
func (c *stmtCache) get(tx *Tx, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := tx.db.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = s
	return s, nil
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

// stmt binds the prepared statement for query to the transaction.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	s, err := tx.cache.get(tx, query)
	if err != nil {
		return nil, busy(err)
	}
	return tx.tx.StmtContext(tx.ctx, s), nil
}
