package node

// SnapshotGap is how many uncovered changes make the node write a
// snapshot after one that covers covered changes.
func SnapshotGap(covered int) int { return snapshotGap(covered) }
