package node

import "github.com/weftsync/weft/crdt/model"

// SnapshotGap is how many uncovered changes make the node write a
// snapshot after one that covers covered changes.
func SnapshotGap(covered int) int { return snapshotGap(covered) }

// PipeEdits is how many edits of an import go to the engine in one call.
const PipeEdits = pipeEdits

// ImportGroups is how many engine calls an import of n entries takes.
func ImportGroups(n int) int { return len(editGroups(make([]model.Edit, n))) }
