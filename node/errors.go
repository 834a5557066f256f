package node

import "errors"

// Errors a caller of Node maps to what it tells the user. The CLI turns
// them into exit codes (DESIGN.md section 10).
var (
	// ErrNotInitialized means the home holds no store yet: run weft init.
	ErrNotInitialized = errors.New("node: not initialized")
	// ErrAlreadyInitialized means weft init found an existing store.
	ErrAlreadyInitialized = errors.New("node: already initialized")
	// ErrWrongPassphrase means the passphrase did not unlock the store.
	ErrWrongPassphrase = errors.New("node: wrong passphrase")
	// ErrNoPassphrase means no passphrase source was available.
	ErrNoPassphrase = errors.New("node: no passphrase given")
	// ErrBusy means another process holds the home's lock.
	ErrBusy = errors.New("node: store busy")
	// ErrNotFound means a space, document, event, case or entry does not exist.
	ErrNotFound = errors.New("node: not found")
	// ErrAmbiguous means a name or ID prefix matched more than one thing.
	ErrAmbiguous = errors.New("node: ambiguous")
	// ErrInvalid means the input was refused before anything was written.
	ErrInvalid = errors.New("node: invalid input")
	// ErrCorrupt means the store failed an integrity check.
	ErrCorrupt = errors.New("node: store integrity check failed")
)
