package replicate

import (
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/protocol"
	msmux "github.com/multiformats/go-multistream"
)

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
	// ErrReadOverBytes: a ManyLocal's read of a group of documents found
	// them holding more than MaxReadBytes; the responder streams them.
	ErrReadOverBytes = errors.New("replicate: documents over the bytes a read may hold")
)

// ErrOlderPeer: the peer does not speak ProtocolID; it most likely runs
// an older weft (/weft/sync/1 carried message format 1, which this one
// does not read).
var ErrOlderPeer = errors.New("replicate: the peer does not speak " + ProtocolID + " (an older weft speaks /weft/sync/1, whose frames this one cannot read): upgrade weft on both sides")

// olderPeer wraps a failed protocol negotiation in ErrOlderPeer.
func olderPeer(err error) error {
	if errors.Is(err, msmux.ErrNotSupported[protocol.ID]{}) {
		return fmt.Errorf("%w: %w", ErrOlderPeer, err)
	}
	return err
}
