package gossip

import (
	"context"
	"crypto/ed25519"
)

// SpaceKey is one space this node gossips in: its ID, its current epoch
// (the 32-byte ID of the operation that made the key) and that epoch's key.
type SpaceKey struct {
	ID    string
	Epoch [32]byte
	Key   []byte
	// Roster names the version of the space's roster Local read (any
	// value that changes whenever the roster may have): Refresh forgets
	// remembered memberships only when a space's roster, epoch or key
	// changed.
	Roster [32]byte
}

// Local is what gossip needs of the node. Its methods are called
// concurrently, from pubsub's loops and from the apply workers; each call
// is short (one store read or one ingest).
type Local interface {
	// Spaces lists the spaces this node is a member of with the current
	// epoch key it holds; a space whose current key it lacks is left out
	// (its changes travel by sync until the key arrives).
	Spaces(ctx context.Context) ([]SpaceKey, error)
	// IsMember reports whether peer (an Ed25519 key) is a current member of
	// space by our roster; false, not an error, for an unknown space.
	IsMember(ctx context.Context, space string, peer ed25519.PublicKey) (bool, error)
	// Known answers, in one read of the store, whether every one of the
	// change hashes of doc is stored (true for none; held changes,
	// waiting for their dependencies, are not stored), and which of
	// signers (Ed25519 keys) are current members of space by our roster
	// (keyed by string(key); none for an unknown space).
	Known(ctx context.Context, space, doc string, hashes [][32]byte, signers [][]byte) (allHeld bool, members map[string]bool, err error)
	// Ingest checks and stores a delivered batch of changes of one
	// document (node.Ingest), and reports whether some were held for
	// dependencies it lacks.
	Ingest(ctx context.Context, d Delivered) (missingDeps bool, err error)
	// IngestAll ingests several delivered batches, in order, in one
	// transaction (one durable commit), and reports for each whether
	// changes were held. An error means none was stored, or that the
	// engine refused a batch after the commit and what it did not take
	// was dropped: either way the caller ingests them one at a time
	// (what is stored already comes back as a duplicate).
	IngestAll(ctx context.Context, ds []Delivered) (missingDeps []bool, err error)
}

// Delivered is one accepted batch of space, for Local.Ingest and
// IngestAll.
type Delivered struct {
	Space string
	Batch Batch
	// Verified holds the canonical encoding (seal.Attestation.Marshal) of
	// each of the batch's attestations whose signature the validator
	// verified: ingest may take the signature as checked (never the
	// membership, which it checks again in its transaction).
	Verified [][]byte
}
