package member

import "github.com/weftsync/weft/node/wire"

// encMode encodes deterministically (RFC 8949 core deterministic encoding),
// so an operation has exactly one encoding and one ID.
var encMode = wire.DeterministicEncMode()

// decMode refuses duplicate keys, indefinite lengths, tags and unknown fields.
var decMode = wire.StrictDecMode(8, 2*MaxRecipients, 1024)

// encode encodes v deterministically. v is always one of this package's
// plain structs, which cannot fail to encode.
func encode(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		panic("member: encode: " + err.Error())
	}
	return b
}
