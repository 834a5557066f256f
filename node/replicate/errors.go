package replicate

import "errors"

// Errors of the sync protocol, matched with errors.Is.
var (
	// ErrMalformed: a message that breaks the format or a limit. The
	// stream that carried it is ended.
	ErrMalformed = errors.New("replicate: malformed message")
	// ErrTooLarge: a message over its size limit.
	ErrTooLarge = errors.New("replicate: message too large")
	// ErrProtocol: a well-formed message out of place (a frame for a
	// space that was not asked for, a summary that disagrees).
	ErrProtocol = errors.New("replicate: protocol violation")
	// ErrIncomplete: the pull ended before the end frame; what arrived is
	// committed and the next pull resumes from there.
	ErrIncomplete = errors.New("replicate: transfer incomplete")
	// ErrBusy: the responder serves MaxServing pulls already.
	ErrBusy = errors.New("replicate: responder busy")
	// ErrClosed: the Syncer is closed.
	ErrClosed = errors.New("replicate: closed")
)
