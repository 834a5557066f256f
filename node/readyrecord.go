package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/store"
)

// readyRecord is the fast path of a local edit's first reads (decision
// 0032): when space is the exact ID of a space ready for edits (stateOf's
// spaceReady: its record, default calendar and ledger stored), it returns
// the record, read once in one read transaction, where queueIfPending
// and resolveSpace read it in two. ok is false otherwise: the caller takes
// the slow path (queueIfPending, then resolveSpace), which queues, resolves
// names and prefixes, and reports errors as before.
func (n *Node) readyRecord(ctx context.Context, space string) (spaceRecord, bool, error) {
	var rec spaceRecord
	ok := false
	err := n.db.View(ctx, func(tx *store.Tx) error {
		b, err := tx.Space(space)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := cbor.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("%w: space record: %w", ErrCorrupt, err)
		}
		for _, doc := range []string{rec.Calendar, rec.Ledger} {
			if _, err := tx.Doc(doc); errors.Is(err, store.ErrNotFound) {
				return nil
			} else if err != nil {
				return err
			}
		}
		ok = rec.ID == space
		return nil
	})
	if err != nil {
		return spaceRecord{}, false, storeErr(err)
	}
	return rec, ok, nil
}
