package gossip

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrTooLarge: a batch does not fit in one envelope (MaxEnvelope). The
	// change is not gossiped: announce its heads (Announce) and let sync
	// fetch it.
	ErrTooLarge = errors.New("gossip: too large for an envelope")
	// ErrNotJoined: we hold no current epoch key for the space, so we are on
	// none of its topics.
	ErrNotJoined = errors.New("gossip: not on the space's topic")
	// ErrMalformed: an envelope or its plaintext does not decode, or breaks
	// a limit or rule of the format.
	ErrMalformed = errors.New("gossip: malformed envelope")
	// ErrVersion: an envelope of a version this node does not speak.
	ErrVersion = errors.New("gossip: unknown envelope version")
	// ErrEpoch: an envelope sealed for another epoch than its topic's.
	ErrEpoch = errors.New("gossip: envelope for another epoch")
	// ErrOpen: an envelope that does not open under the epoch's key.
	ErrOpen = errors.New("gossip: envelope does not open")
	// ErrClosed: the Gossip was closed.
	ErrClosed = errors.New("gossip: closed")
)
