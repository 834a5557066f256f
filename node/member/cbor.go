package member

import "github.com/fxamacker/cbor/v2"

// encMode encodes deterministically (RFC 8949 core deterministic encoding),
// so an operation has exactly one encoding and one ID.
var encMode = mustEncMode()

// decMode refuses duplicate keys, indefinite lengths, tags and unknown fields.
var decMode = mustDecMode()

func mustEncMode() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   8,
		MaxArrayElements:  2 * MaxRecipients,
		MaxMapPairs:       1024,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
	}.DecMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}

// encode encodes v deterministically. v is always one of this package's
// plain structs, which cannot fail to encode.
func encode(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		panic("member: encode: " + err.Error())
	}
	return b
}
