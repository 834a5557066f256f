package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// Checkpoints run beside the writer, not inside its commits (decision
// 0033).
//
// SQLite's default is to checkpoint the WAL from the commit that takes it
// past 1,000 pages: that commit copies the whole WAL into the database
// file and syncs it before it returns. A catch-up's large transaction (a
// sync batch of thousands of changes) paid 50 ms or more for it on the
// path to its next batch. The writer's connections are opened with
// automatic checkpoints off, and a goroutine of the DB runs a PASSIVE
// checkpoint, on a reader connection, once the write transactions
// committed since the last one have written about as much as SQLite's
// threshold. Durability does not change: a commit is durable once its WAL
// frames are synced (synchronous=FULL), checkpointed or not, and a crash
// before a checkpoint replays the WAL at the next open, as before.

// writerDriver is the driver of the writer pool: SQLite with automatic
// checkpoints off, and writerPragmas.
const writerDriver = "sqlite3-weft-writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(writerPragmas, nil)
		return err
	}})
}

// checkpointEvery is about how many bytes the writer's transactions write
// between two checkpoints (estimated from the values they bind, plus
// commitCost per commit): about what SQLite's own threshold of 1,000 WAL
// pages comes to once indexes are counted. A variable for tests.
var checkpointEvery int64 = 2 << 20

// commitCost is what a commit is counted as beyond the values it wrote:
// a page or two of index and table B-trees.
const commitCost = 8 << 10

// checkpointer runs the WAL checkpoints of one DB on a goroutine of its
// own. Its owner, the DB, starts it at Open and stops it at Close.
type checkpointer struct {
	db      *sql.DB // a reader pool: a checkpoint takes no write lock
	written atomic.Int64
	kick    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	runs    atomic.Int64 // checkpoints made (tests)
}

// startCheckpointer starts the goroutine that checkpoints db's WAL.
func startCheckpointer(db *sql.DB) *checkpointer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), ctx: ctx, cancel: cancel}
	c.wg.Add(1)
	go c.run() // owned by the DB: stop ends it
	return c
}

// wrote counts what a committed write transaction wrote, and wakes the
// goroutine once enough was written since the last checkpoint.
func (c *checkpointer) wrote(n int64) {
	if c.written.Add(n+commitCost) < checkpointEvery {
		return
	}
	c.written.Store(0)
	select {
	case c.kick <- struct{}{}:
	default: // one is due already
	}
}

func (c *checkpointer) run() {
	defer c.wg.Done()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.kick:
		}
		// PASSIVE copies what no reader still needs and never waits for
		// one; what it leaves is copied by the next. A failure (the
		// store closing, a busy lock) loses nothing: the WAL keeps the
		// frames until a later checkpoint, or the next open, copies them.
		var busy, log, done int
		if err := c.db.QueryRowContext(c.ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done); err == nil {
			c.runs.Add(1)
		}
	}
}

// stop ends the goroutine and waits for it (and a checkpoint under way).
func (c *checkpointer) stop() {
	c.cancel()
	c.wg.Wait()
}
