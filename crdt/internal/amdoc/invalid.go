package amdoc

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error that refuses an edit before anything
// was written: the document is unchanged and still usable.
var ErrInvalid = errors.New("crdt: invalid edit")

// FieldError refuses an edit because of one field. It matches ErrInvalid
// with errors.Is.
type FieldError struct {
	Schema string // the package that refused: "calendar", "casestudy", "ledger" or "crdt"
	Field  string // the field as named in the document, for example "amount_minor"
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Schema, e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a *FieldError with a formatted reason.
func Invalid(schema, field, format string, args ...any) error {
	return &FieldError{Schema: schema, Field: field, Reason: fmt.Sprintf(format, args...)}
}
