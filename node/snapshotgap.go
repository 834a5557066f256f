package node

// snapshotGap is how many stored changes beyond its newest snapshot,
// which covers covered changes, make a document's next snapshot due: at
// least snapshotEvery, and at least as many as the snapshot covers, so
// that each snapshot is at least twice the size of the one before.
//
// A snapshot costs a save and a load of the whole document (the engine
// checks that the saved form loads back: crdt Doc.Snapshot), about 35 µs
// per ledger entry: with a fixed gap, a ledger growing by thousands of
// entries paid for the whole document again every snapshotEvery changes,
// a cost per change that grew with the document (350 µs per change at
// 10,000 entries). With the gap growing with the document the cost per
// change stays bounded (about twice the per-entry cost of a snapshot).
// Loads lose little: a ledger loads from its changes about as fast as
// from a snapshot (10,000 entries: 260 ms against 300 ms, decision 0029),
// and a load starts from the newest snapshot, never more than half the
// document away.
func snapshotGap(covered int) int {
	return max(snapshotEvery, covered)
}
