// Package engine runs every Automerge call in a disposable child process.
//
// The bundled Automerge core aborts the whole process on some malformed
// input, and recover cannot catch an abort (DESIGN.md section 5). So the node
// never runs Automerge itself: it starts the weft binary again in engine mode
// (see package engine/server) and speaks a small length-prefixed CBOR RPC
// with it over the child's stdin and stdout. When the child dies, the call in
// flight fails with ErrDied, the next call starts a fresh child, and the
// caller reloads documents from its store: the engine holds only caches.
//
// An Engine is safe for concurrent use; calls are serialised. The caller owns
// it and must Close it.
package engine
