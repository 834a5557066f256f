// Package node is weft's composition root: a Node owns one home folder, its
// sealed store, its engine process and (with later issues) its network, and
// offers the operations the CLI and the local API call.
//
// A local edit flows: caller -> Node -> engine (typed edit, one Automerge
// commit, raw change chunk back) -> the chunk parsed and checked in Go ->
// attested with the node's identity -> change, attestation and outbox row
// committed in one SQLite transaction. If that transaction fails, the
// engine's copy is dropped and the actor lease abandoned, so nothing the
// store does not hold survives anywhere.
//
// A Node is safe for concurrent use. Open or Init makes one; Close releases
// the store, the engine and the home's lock.
package node
