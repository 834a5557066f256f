package joinproto

import "errors"

var (
	// ErrMalformed: a message does not decode, or breaks a rule of the
	// format.
	ErrMalformed = errors.New("joinproto: malformed message")
	// ErrTooLarge: a message is larger than its limit.
	ErrTooLarge = errors.New("joinproto: message too large")
	// ErrWrongNonce: the join's proof does not sign this exchange's nonce
	// (a replayed proof).
	ErrWrongNonce = errors.New("joinproto: the proof does not sign this exchange's nonce")
)

// RefusedError is the member's refusal, as the joiner receives it.
type RefusedError struct {
	// Reason is the member's reason, as it sent it (untrusted text).
	Reason string
}

func (e *RefusedError) Error() string { return "joinproto: refused: " + e.Reason }
