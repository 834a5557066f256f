package store

import (
	"context"
	"encoding/hex"
	"fmt"
)

// A stored change costs two kinds of rows: its row in changes and one row
// per dependency in change_deps. insert checks a change, then queues its
// rows here instead of writing each with a statement of its own; the
// queue is written with one multi-row statement per group of rows
// (decision 0038), as attestation and outbox rows are (decision 0035):
//
//   - when a full group of change rows is queued;
//   - before any other statement of the transaction runs (Tx.stmt and
//     Tx.row write the queue first), so that every statement sees the
//     rows exactly as if each had been written when its change was
//     checked: a read of changes or change_deps, a delete, the manifests'
//     writes;
//   - before the commit (Tx.flush).
//
// Every check a change passes is made when it is added, against the
// store and the transaction's own record of what it inserted (txCache),
// as before; only the writing waits. When SQLite refuses a row of a group,
// the rows of the group from that one on are written again a row at a
// time, to name the change whose row failed (an *InsertError), and the
// transaction is failed from then on: every later statement and the
// commit return that error, so nothing of it commits.
//
// The group statements are INSERT OR FAIL (decision 0060): a refused row
// ends the statement and keeps the rows before it, instead of undoing the
// statement (ABORT, SQLite's default). A statement that may abort after
// it changed rows makes SQLite copy every page it touches first into a
// statement journal, so that it can undo them; a group of 64 change rows
// touches about as many pages of the random (doc, hash) index, and the
// copies were a sixth of the store's CPU in a catch-up. Nothing needs the
// undo: a refused row fails the whole transaction. keptRows (SQLite's
// changes()) says how many rows the failed statement kept, so that the
// rows written again one at a time start at the refused one; a statement
// that was undone anyway (a trigger's RAISE(ABORT)) kept none.
//
// A change whose one dependency is its own actor's previous change (seq -
// 1), as every change of a single writer's history is, writes no
// dependency row: its row says prev_dep = 1, and the readers of
// dependencies (the ancestry walk, DropChanges, the manifest, VerifyAll,
// cuts) find the dependency through the unique (doc, actor, seq) index
// (migration 0005). The row's digest in the manifest is the same as with
// the dependency row.

// maxQueuedRows is how many change rows the queue holds before it is
// written: the largest of rowGroups, so that a long batch is written in
// statements of that size.
var maxQueuedRows = rowGroups[0]

// queuedRows are the change rows and dependency rows inserted in a
// transaction and not yet written.
type queuedRows struct {
	changes []queuedChange
	err     error // the first failed write: the transaction is failed
}

// queuedChange is one checked change's row, waiting to be written.
type queuedChange struct {
	e         *entry
	reachable uint64
	sealed    []byte
	prevDep   bool // its one dependency is its actor's previous change: no change_deps row (migration 0005)
}

// prevOnly reports whether e's one dependency is its actor's previous
// change (depsReachable found it so): that dependency is kept implicit,
// prev_dep = 1 and no change_deps row (decision 0038).
func prevOnly(e *entry) bool {
	return len(e.deps) == 1 && e.prevIsDep
}

// InsertError is a change whose rows SQLite refused when the transaction
// wrote them, after the change had passed every check. It fails the
// transaction: nothing of it is committed.
type InsertError struct {
	Hash [32]byte // the change whose row (or dependency row) failed
	Err  error
}

// Error implements error.
func (e *InsertError) Error() string {
	return fmt.Sprintf("store: write change %s: %v (the transaction was rolled back: retry it, and run 'weft doctor' if it fails again)",
		hex.EncodeToString(e.Hash[:]), e.Err)
}

// Unwrap returns SQLite's error.
func (e *InsertError) Unwrap() error { return e.Err }

// queueRow queues e's change row and dependency rows, writing the queue
// when it holds a full group.
func (tx *Tx) queueRow(e *entry, reachable uint64, sealed []byte) error {
	q := &tx.cached().queue
	if q.err != nil {
		return q.err
	}
	q.changes = append(q.changes, queuedChange{e: e, reachable: reachable, sealed: sealed, prevDep: prevOnly(e)})
	if len(q.changes) >= maxQueuedRows {
		return tx.writeQueued()
	}
	return nil
}

// writeQueued writes every queued row, a statement per group of change
// rows and per group of dependency rows. It returns the transaction's
// failure, if it has one.
func (tx *Tx) writeQueued() error {
	if tx.txc == nil {
		return nil
	}
	q := &tx.txc.queue
	if q.err != nil || len(q.changes) == 0 {
		return q.err
	}
	rows := q.changes
	q.changes = q.changes[:0:0] // the entries are not kept past their write
	if err := tx.writeChangeRows(rows); err != nil {
		q.err = err
		return err
	}
	if err := tx.writeDepRows(rows); err != nil {
		q.err = err
		return err
	}
	return nil
}

// writeChangeRows writes rows into changes, a statement per group.
func (tx *Tx) writeChangeRows(rows []queuedChange) error {
	for len(rows) > 0 {
		n := groupSize(len(rows))
		args := make([]any, 0, 9*n)
		for _, r := range rows[:n] {
			args = r.appendArgs(args)
		}
		if err := tx.execQueued(changeRowsQuery(n), args); err != nil {
			return tx.nameFailed(rows[tx.keptRows(n):n], err, func(r queuedChange) error {
				return tx.execQueued(changeRowsQuery(1), r.appendArgs(nil))
			})
		}
		rows = rows[n:]
	}
	return nil
}

// appendArgs appends the values of r's change row, in changeRowsQuery's
// order.
func (r queuedChange) appendArgs(args []any) []any {
	e := r.e
	prev := 0
	if r.prevDep {
		prev = 1
	}
	return append(args, e.doc, e.hash, e.actor, e.Seq, e.StartOp, e.MaxOp, r.reachable, prev, r.sealed)
}

// writeDepRows writes the dependency rows of rows into change_deps, a
// statement per group of dependency rows.
func (tx *Tx) writeDepRows(rows []queuedChange) error {
	type dep struct {
		owner int // index in rows
		dep   []byte
	}
	var deps []dep
	for i, r := range rows {
		if r.prevDep {
			continue // implicit: the actor's change at seq - 1
		}
		for _, d := range r.e.deps {
			deps = append(deps, dep{i, d})
		}
	}
	for len(deps) > 0 {
		n := groupSize(len(deps))
		args := make([]any, 0, 3*n)
		for _, d := range deps[:n] {
			e := rows[d.owner].e
			args = append(args, e.doc, e.hash, d.dep)
		}
		if err := tx.execQueued(depRowsQuery(n), args); err != nil {
			// Name the change: write the rows the statement did not keep,
			// a change's at a time.
			left := deps[tx.keptRows(n):n]
			var owners []queuedChange
			for i, d := range left {
				if i == 0 || d.owner != left[i-1].owner {
					owners = append(owners, rows[d.owner])
				}
			}
			return tx.nameFailed(owners, err, func(r queuedChange) error {
				for _, d := range left {
					if rows[d.owner].e != r.e {
						continue
					}
					if err := tx.execQueued(depRowsQuery(1), []any{r.e.doc, r.e.hash, d.dep}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		deps = deps[n:]
	}
	return nil
}

// nameFailed handles a group statement SQLite refused (err): group is
// what the statement did not keep (keptRows), from the refused row on. It
// writes those rows again one by one (one) and returns an *InsertError
// naming the first change whose row fails, or, should every row go in
// alone, one naming the group's first. A cancelled transaction's error is
// returned as it is.
func (tx *Tx) nameFailed(group []queuedChange, err error, one func(queuedChange) error) error {
	if tx.ctx.Err() != nil || len(group) == 0 { // cancelled: no row is at fault
		return fmt.Errorf("store: write change rows: %w", err)
	}
	for _, r := range group {
		if rerr := one(r); rerr != nil {
			return &InsertError{Hash: r.e.Hash, Err: rerr}
		}
	}
	return &InsertError{Hash: group[0].e.Hash, Err: err}
}

// keptRows is how many of its n rows the group statement that just failed
// kept: SQLite's changes(), the rows an INSERT OR FAIL wrote before the
// one it refused, 0 for a statement SQLite undid whole. It is 0 when it
// cannot be read: the rows are then all written again, and a kept one
// is named instead of the refused one, in a transaction that fails anyway.
func (tx *Tx) keptRows(n int) int {
	if tx.ctx.Err() != nil { // cancelled: nameFailed names no row
		return 0
	}
	s, err := tx.prepared("SELECT changes()")
	if err != nil {
		return 0
	}
	var k int
	if err := s.QueryRowContext(context.WithoutCancel(tx.ctx)).Scan(&k); err != nil || k < 0 || k >= n {
		return 0
	}
	return k
}

// execQueued runs one of the queue's own statements (exec would write the
// queue first).
func (tx *Tx) execQueued(query string, args []any) error {
	if err := tx.ctx.Err(); err != nil {
		return err
	}
	s, err := tx.prepared(query)
	if err != nil {
		return err
	}
	tx.wrote += argBytes(args)
	_, err = s.ExecContext(context.WithoutCancel(tx.ctx), args...)
	return busy(err)
}

// changeRowsQuery is the statement that writes n change rows.
func changeRowsQuery(n int) string {
	return multiRow(`INSERT OR FAIL INTO changes (doc, hash, actor, seq, start_op, max_op, max_op_reachable, prev_dep, blob) VALUES `,
		"(?, ?, ?, ?, ?, ?, ?, ?, ?)", n)
}

// depRowsQuery is the statement that writes n dependency rows.
func depRowsQuery(n int) string {
	return multiRow("INSERT OR FAIL INTO change_deps (doc, hash, dep) VALUES ", "(?, ?, ?)", n)
}
