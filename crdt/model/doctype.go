package model

// DocType names the schema of one Automerge document.
type DocType string

// The document types weft knows. Every document's root holds its type,
// written once at creation.
const (
	Calendar DocType = "calendar"
	Case     DocType = "case"
	Ledger   DocType = "ledger"
)

// SchemaVersion is the schema version written into every new document's root.
// Migrations are additive only.
const SchemaVersion = 1

// Valid reports whether t is one of the known document types.
func (t DocType) Valid() bool {
	return t == Calendar || t == Case || t == Ledger
}
