// Package ledger is the schema of ledger documents (DESIGN.md section 3): a
// root map with a default currency and an entries list, each entry a map
// {id, date, direction, amount_minor (int64), currency, category, memo,
// from, to, reverses}.
//
// weft only ever appends entries: a correction is a reversing entry. Since
// Automerge cannot stop a member from deleting or editing list elements,
// History replays a ledger's stored changes and reports every entry that was
// deleted or altered after it was recorded. Functions run only in the engine
// and are not safe for concurrent use of one doc.
package ledger
