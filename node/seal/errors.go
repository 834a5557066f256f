package seal

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrOpen: a sealed value does not open under this key and associated
	// data: it was altered, moved to another row, or sealed under another key.
	ErrOpen = errors.New("seal: cannot open sealed value")
	// ErrKeySize: a key has the wrong length.
	ErrKeySize = errors.New("seal: wrong key size")
	// ErrWrongPassphrase: the passphrase does not unwrap the data key (or the
	// wrapped key was altered).
	ErrWrongPassphrase = errors.New("seal: wrong passphrase")
	// ErrKDFParams: Argon2id parameters out of the accepted range.
	ErrKDFParams = errors.New("seal: bad key derivation parameters")
	// ErrBadSignature: a signature does not verify.
	ErrBadSignature = errors.New("seal: bad signature")
	// ErrActorNotOwned: an attestation covers an actor whose prefix is not
	// its signer's.
	ErrActorNotOwned = errors.New("seal: actor not owned by signer")
	// ErrMalformed: bytes that do not decode to the expected value.
	ErrMalformed = errors.New("seal: malformed")
	// ErrTooLarge: input over one of the size limits.
	ErrTooLarge = errors.New("seal: too large")
)
