package node

import (
	"context"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// SnapshotGap is how many uncovered changes make the node write a
// snapshot after one that covers covered changes.
func SnapshotGap(covered int) int { return snapshotGap(covered) }

// PipeEdits is how many edits of an import go to the engine in one call.
const PipeEdits = pipeEdits

// ImportGroups is how many engine calls an import of n entries takes.
func ImportGroups(n int) int { return len(editGroups(make([]model.Edit, n))) }

// PreparedLocal counts the local changes whose store rows were prepared
// on the signing workers (decision 0036).
func PreparedLocal() int64 { return preparedLocal.Load() }

// SetLocalPrepare turns preparing local store rows on the workers on or
// off, and returns how it was.
func SetLocalPrepare(on bool) (was bool) { return !localPrepareOff.Swap(!on) }

// OutboxLen is how many stored changes n has queued to publish.
func OutboxLen(ctx context.Context, n *Node) (k int, err error) {
	err = n.db.View(ctx, func(tx *store.Tx) error {
		k, err = tx.OutboxLen()
		return err
	})
	return k, err
}
