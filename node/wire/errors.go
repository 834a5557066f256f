package wire

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error ParseChange and SplitChunks return wraps
// exactly one of them, with detail; match them with errors.Is.
var (
	// ErrMagic: the bytes do not start with the Automerge chunk magic.
	ErrMagic = errors.New("wire: not an automerge chunk")
	// ErrChunkType: a document (0), compressed change (2) or unknown chunk
	// type; only uncompressed change chunks (1) are accepted.
	ErrChunkType = errors.New("wire: chunk type not accepted")
	// ErrChecksum: the declared checksum is not the start of the chunk's hash.
	ErrChecksum = errors.New("wire: bad checksum")
	// ErrTooLarge: a size or count exceeds one of the limits in limits.go.
	ErrTooLarge = errors.New("wire: too large")
	// ErrTruncated: the data ends before a length or count says it should.
	ErrTruncated = errors.New("wire: truncated")
	// ErrMalformed: the bytes break the change format or a rule the core
	// relies on (out-of-range index or counter, missing column, bad value).
	ErrMalformed = errors.New("wire: malformed change")
	// ErrNotCanonical: the bytes differ from what Automerge's own writer
	// produces; the core would accept them and then fail to reload the
	// document it saved.
	ErrNotCanonical = errors.New("wire: change not in canonical form")
	// ErrStartOp: startOp is at or above 2^31, its op counters would pass
	// 2^32-1, or (CheckStartOp) it is not 1 + the highest op reachable.
	ErrStartOp = errors.New("wire: startOp refused")
	// ErrHash: a change hash in hex is not 64 lowercase hex digits.
	ErrHash = errors.New("wire: bad change hash")
)

// parseError is a sentinel kind with a detail that names where it was found.
type parseError struct {
	kind error
	msg  string
}

func (e *parseError) Error() string { return e.kind.Error() + ": " + e.msg }

func (e *parseError) Unwrap() error { return e.kind }

// errorf returns an error of the given kind with formatted detail.
func errorf(kind error, format string, args ...any) error {
	return &parseError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// at prefixes the detail of err with where, keeping its kind.
func at(where string, err error) error {
	var pe *parseError
	if errors.As(err, &pe) {
		return &parseError{kind: pe.kind, msg: where + ": " + pe.msg}
	}
	return err
}
