package seal

import "github.com/weftsync/weft/node/wire"

// encMode encodes deterministically (RFC 8949 core deterministic encoding).
var encMode = wire.DeterministicEncMode()

// decMode refuses duplicate keys, indefinite lengths, tags and unknown fields.
var decMode = wire.StrictDecMode(4, 16, 16)
