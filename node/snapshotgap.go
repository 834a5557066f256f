package node

// snapshotGrowth is how many times the changes a document's newest
// snapshot covers it holds when its next snapshot is due.
const snapshotGrowth = 4

// snapshotGap is how many stored changes beyond its newest snapshot,
// which covers covered changes, make a document's next snapshot due: at
// least snapshotEvery, and enough that the document holds snapshotGrowth
// times what the snapshot covers.
//
// A snapshot costs a save and a load of the whole document (the engine
// checks that the saved form loads back: crdt Doc.Snapshot), about 35 µs
// per ledger entry: with a fixed gap, a ledger growing by thousands of
// entries paid for the whole document again every snapshotEvery changes,
// a cost per change that grew with the document (350 µs per change at
// 10,000 entries). With the gap growing with the document that cost is
// bounded: about snapshotGrowth/(snapshotGrowth-1) times a snapshot's cost
// per entry. Loads lose little: a ledger loads from its changes about as
// fast as from a snapshot (10,000 entries: 260 ms against 300 ms in the
// engine; decisions 0008 and 0029).
func snapshotGap(covered int) int {
	return max(snapshotEvery, (snapshotGrowth-1)*covered)
}
