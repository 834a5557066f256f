// Package amdoc holds what the crdt package and its three schemas share:
// the engine gate, the invalid-edit error, lenient field readers over
// automerge maps, the Writer that makes one logical edit (committing large
// text splices in pieces), and the validators for values every schema uses.
//
// It is internal to crdt: only crdt and its schema packages may use it.
package amdoc
