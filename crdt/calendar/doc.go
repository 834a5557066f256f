// Package calendar is the schema of calendar documents (DESIGN.md section 3):
// a root map with a name and an events map keyed by event ID, each event a
// map of per-field values with its description as Automerge Text.
//
// Edits are per field: AddEvent writes one new event map, PatchEvent sets
// only the fields a patch names (the description by its smallest splice),
// and nothing ever re-sets a whole event or drops a field it does not know.
// Every function takes the *automerge.Doc of a document that the crdt
// package owns; they run only in the engine (they return crdt's
// ErrNotEngine otherwise) and are not safe for concurrent use of one doc.
package calendar
