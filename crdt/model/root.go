package model

// Root is what a document's root map says of it, read without reading its
// content: its type, its space, its schema version and, for a calendar, its
// name. It is what a node records of a document it receives (its record's
// type and space, and a calendar's name in the record's metadata), where a
// whole View would read, encode and send every item for nothing.
type Root struct {
	Type   DocType `cbor:"type"`
	Space  string  `cbor:"space"`
	Schema int64   `cbor:"schema"`
	// Name is a calendar's name; empty for the other types.
	Name string `cbor:"name,omitempty"`
}
