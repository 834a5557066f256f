package engine

import "errors"

// Errors returned by Engine calls.
var (
	// ErrDied means the engine process died during the call. Nothing the
	// call was doing took effect; the next call starts a fresh engine.
	ErrDied = errors.New("engine: engine process died")
	// ErrDeadline means the call ran past its deadline and the engine was
	// killed. A slow machine can cause it: it says nothing about the input.
	ErrDeadline = errors.New("engine: call deadline exceeded, engine killed")
	// ErrNotLoaded means the engine does not hold the document: load it
	// from the store and call again.
	ErrNotLoaded = errors.New("engine: document not loaded")
	// ErrInvalid means the edit was refused before anything was written.
	ErrInvalid = errors.New("engine: invalid edit")
	// ErrPoisoned means a write failed part way: the engine dropped the
	// document, and the caller must reload it under a fresh actor.
	ErrPoisoned = errors.New("engine: document dropped after a failed write")
	// ErrTooLarge means a frame exceeded MaxFrame.
	ErrTooLarge = errors.New("engine: frame too large")
	// ErrBarred means the call named a document the Engine was told never
	// to open again (Bar): nothing was sent to the engine process.
	ErrBarred = errors.New("engine: document barred from the engine")
	// ErrClosed means the Engine was closed.
	ErrClosed = errors.New("engine: closed")
)

// codeErrors maps response codes to the sentinel a caller matches.
var codeErrors = map[string]error{
	CodeNotLoaded: ErrNotLoaded,
	CodeInvalid:   ErrInvalid,
	CodePoisoned:  ErrPoisoned,
}
