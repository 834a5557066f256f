package store

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrLocked is returned by every method that needs the data key before
	// DB.Unlock was called.
	ErrLocked = errors.New("store: locked")
	// ErrNotFound is returned when a requested row does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrCorrupt is returned when a sealed value fails to open, or rows were
	// added, removed or changed behind the store's back.
	ErrCorrupt = errors.New("store: corrupt")
	// ErrRefused is matched by every *RefusedError.
	ErrRefused = errors.New("store: refused")
	// ErrEquivocation is matched by every *EquivocationError.
	ErrEquivocation = errors.New("store: equivocation")
	// ErrNotInitialized is returned by Tx.Keyring before a keyring was put.
	ErrNotInitialized = errors.New("store: not initialized")
	// ErrBusy is returned when another connection holds the write lock past
	// the busy timeout.
	ErrBusy = errors.New("store: busy")
	// ErrOverBytes: a read bounded by bytes (ManyChangesWithin) found
	// more; what it read is dropped.
	ErrOverBytes = errors.New("store: read over its bound of bytes")
	// ErrTooNew is returned by Open when the file's schema is newer than
	// this build knows.
	ErrTooNew = errors.New("store: schema newer than this program")
	// ErrReadOnly is returned by a write method called inside View.
	ErrReadOnly = errors.New("store: write in a read-only transaction")
)

// Reason says why AddChange refused a change.
type Reason string

// The reasons a change is refused (DESIGN.md section 5).
const (
	ReasonHeader        Reason = "malformed header"            // seq 0, max_op below start_op - 1, self or repeated dependency
	ReasonStartOpRange  Reason = "op counter at or above 2^31" // the startOp poison
	ReasonStartOp       Reason = "startOp is not 1 + max_op_reachable of its deps"
	ReasonOpBudget      Reason = "op counter past the document's budget" // MaxDocOps
	ReasonSeqReused     Reason = "(actor, seq) already stored under another hash"
	ReasonSeqGap        Reason = "the actor's previous change is not an ancestor"
	ReasonCut           Reason = "actor cut below this seq"
	ReasonHeldLimit     Reason = "too many held changes for this document"
	ReasonDocConflict   Reason = "document already stored with another type or space"
	ReasonLeaseReused   Reason = "actor was leased before"
	ReasonEmptyIdentity Reason = "empty identifier"
)

// RefusedError is a change (or a row) the store will not take, and why.
type RefusedError struct {
	Hash   [32]byte // the refused change, zero when the row is not a change
	Reason Reason
}

// Error implements error.
func (e *RefusedError) Error() string {
	if e.Hash == ([32]byte{}) {
		return fmt.Sprintf("store: refused: %s", e.Reason)
	}
	return fmt.Sprintf("store: refused change %s: %s", hex.EncodeToString(e.Hash[:8]), e.Reason)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// EquivocationError is proof that one signer attested two different changes
// for the same (doc, actor, seq). The cut it implies has been written in the
// same transaction: return nil from the Update function to keep it.
type EquivocationError struct {
	Doc    string
	Actor  []byte
	Seq    uint64
	First  []byte // the blob of the attestation already stored
	Second []byte // the blob of the conflicting one
}

// Error implements error.
func (e *EquivocationError) Error() string {
	return fmt.Sprintf("store: equivocation in doc %s by actor %x at seq %d", e.Doc, e.Actor, e.Seq)
}

// Is makes errors.Is(err, ErrEquivocation) true.
func (e *EquivocationError) Is(target error) bool { return target == ErrEquivocation }

// corrupt reports a sealed value of table that failed to open or check.
func corrupt(table string, key []byte, err error) error {
	if len(key) > 4 {
		key = key[:4]
	}
	if err == nil {
		return fmt.Errorf("store: %s row %x: %w", table, key, ErrCorrupt)
	}
	return fmt.Errorf("store: %s row %x: %w: %v", table, key, ErrCorrupt, err)
}
