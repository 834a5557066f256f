package store

import "fmt"

// DocMaxOp returns the highest op counter among doc's stored changes (0
// when it has none): what the next change's startOp follows, and what
// MaxDocOps bounds. It reads every change row of doc: callers ask it for
// large edits only.
func (tx *Tx) DocMaxOp(id string) (uint64, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	var n uint64
	err := tx.one("SELECT COALESCE(MAX(max_op), 0) FROM changes WHERE doc = ?", []any{tx.index(id)}, &n)
	if err != nil {
		return 0, fmt.Errorf("store: doc max op: %w", err)
	}
	return n, nil
}
