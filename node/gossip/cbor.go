package gossip

import "github.com/weftsync/weft/node/wire"

// encMode encodes deterministically (RFC 8949 core deterministic encoding).
var encMode = wire.DeterministicEncMode()

// decMode refuses indefinite lengths, tags, oversized arrays and unknown
// fields.
var decMode = wire.StrictDecMode(4, MaxChunks, 16)
