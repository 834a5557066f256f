// Package ledgerhist reports, for every stored change of a ledger document,
// which entries it recorded, deleted, altered or restored, in pure Go.
//
// It is the same report crdt/ledger.History makes by replaying the changes
// in the Automerge engine and re-reading every entry after each one, but it
// reads the changes' ops with node/wire and keeps its own model of the
// document (map keys resolved by op ID, lists ordered as Automerge orders
// them, counters, text), so its cost is O(total ops) rather than
// O(changes × entries):
//
//	events, err := ledgerhist.History(rawChanges)
//
// The package is pure: no I/O, no clock, no logging, no Automerge. History
// is safe for concurrent use.
package ledgerhist
