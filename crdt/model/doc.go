// Package model holds the plain value types that the CLI, the node, the
// engine's RPC and the document schemas share: events, case studies, ledger
// entries, the typed edits made to them and the views read from them.
//
// Importing model pulls in no Automerge code: it is safe to use in the node's
// own process, where no Automerge call may ever run (DESIGN.md section 5).
// Values are validated here, before any of them reaches a document.
package model
