package crdt

import "github.com/weftsync/weft/crdt/ledger"

// EntryEvent is one thing that happened to one ledger entry in a ledger's
// stored history: see ledger.History.
type EntryEvent = ledger.EntryEvent

// LedgerHistory replays a ledger's stored changes in order and reports, per
// change index, entries recorded, deleted, altered (with the field) or
// restored. It costs O(changes × entries) entry reads. Engine only.
func LedgerHistory(changes [][]byte) ([]EntryEvent, error) {
	return ledger.History(changes)
}
