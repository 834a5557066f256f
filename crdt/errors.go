package crdt

import (
	"errors"

	"github.com/weftsync/weft/crdt/internal/amdoc"
)

var (
	// ErrNotEngine: an automerge function was called in a process that is not
	// the engine (Enable was not called).
	ErrNotEngine = amdoc.ErrNotEngine

	// ErrInvalid is wrapped by every error that refuses an edit, or a
	// document's creation, before anything was written (the Doc is still
	// usable). Most are a *FieldError naming the field.
	ErrInvalid = amdoc.ErrInvalid

	// ErrPoisoned: a write, commit or apply failed part way. automerge has
	// no rollback, so the Doc is unusable from then on: the caller drops it
	// and loads the document again from its store under a fresh actor.
	ErrPoisoned = errors.New("crdt: document poisoned by a failed write")

	// ErrRejected: bytes handed to Load or Apply are not change chunks, or
	// automerge did not apply every one of them.
	ErrRejected = errors.New("crdt: changes rejected")

	// ErrTooLarge: an edit made a change chunk over MaxChangeBytes. The Doc
	// is poisoned with it (the change was committed, and must be forgotten).
	ErrTooLarge = errors.New("crdt: change too large")

	// ErrActor: an actor ID is not ActorLen bytes.
	ErrActor = errors.New("crdt: bad actor ID")
)

// FieldError refuses an edit because of one field; it matches ErrInvalid.
type FieldError = amdoc.FieldError

// MaxChangeBytes is the most bytes one change chunk made by an edit may
// have. Large text splices are committed in pieces to stay under it.
const MaxChangeBytes = 4 << 20

// MaxText is the most bytes of one Text field (a case body, an event
// description); a longer one is refused with a *FieldError that names this
// limit.
const MaxText = amdoc.MaxText

// MaxChangeOps is the most ops one change made by an edit has: a large text
// splice (automerge makes one op per inserted or deleted code point) is
// committed in pieces to stay under it, well within the 100,000 ops a node
// accepts in one change.
const MaxChangeOps = amdoc.PieceOps

// ActorLen is the length in bytes of an actor ID.
const ActorLen = 16

// Enable marks this process as the engine, where automerge may run. The
// engine's server calls it once at start; tests of crdt call it in TestMain.
// It is safe for concurrent use.
func Enable() { amdoc.Enable() }
