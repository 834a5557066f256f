package replicate

import (
	"time"

	"github.com/weftsync/weft/node/wire"
)

// ProtocolID is the libp2p protocol of weft's sync protocol. It names the
// message format: /weft/sync/1 carried format 1 (DEFLATE, chunks whole),
// so a peer that speaks only that one fails to negotiate this one
// (decisions/0019-compact-frames.md).
const ProtocolID = "/weft/sync/2"

// Version is the message format version this package writes and reads:
// 2, zstd with packed chunks (codec.go, chunkpack.go).
const Version = 2

// Limits, checked before anything is allocated or decompressed.
const (
	// MaxFrame bounds a message's compressed size on the wire.
	MaxFrame = 1 << 20
	// MaxChunk bounds one raw change chunk.
	MaxChunk = wire.MaxChunkSize
	// MaxLargeFrame bounds the compressed size of a frame that carries a
	// single chunk larger than MaxFrame allows, alone.
	MaxLargeFrame = MaxChunk + frameSlack
	// MaxDecompressed bounds a message's decompressed size.
	MaxDecompressed = 8 << 20
	// MaxSpaces bounds the spaces of one request.
	MaxSpaces = 256
	// MaxDocs bounds the documents of one request, all spaces together.
	MaxDocs = 1 << 16
	// MaxActors bounds the actors of one document's version vector.
	MaxActors = 1 << 14
	// MaxHeads bounds the membership-log heads of one space.
	MaxHeads = 256
	// MaxProof bounds the membership operations of one space's proof
	// (SpaceState.Proof); the request's size bounds their bytes.
	MaxProof = 4096
	// MaxItems bounds the chunks, attestations or operations of one frame.
	MaxItems = 1 << 16
	// MaxOp bounds one membership operation.
	MaxOp = 256 << 10
	// MaxAttestation bounds one attestation.
	MaxAttestation = 1 << 10
	// MaxID bounds a space or document ID.
	MaxID = 128
	// MaxType bounds a document type name.
	MaxType = 32
	// MaxActorLen bounds an actor ID.
	MaxActorLen = wire.MaxActorLen
	// IdleTimeout is how long a read or write may make no progress.
	IdleTimeout = 30 * time.Second
	// MaxServing bounds the pulls served at once; more are refused.
	MaxServing = 16

	// frameSlack is room for a frame's fields besides its chunks.
	frameSlack = 64 << 10
	// lengthSize is the size of a message's length prefix.
	lengthSize = 4
)
