package gossip

import "github.com/fxamacker/cbor/v2"

// encMode encodes deterministically (RFC 8949 core deterministic encoding).
var encMode = mustEncMode()

// decMode refuses indefinite lengths, tags, oversized arrays and unknown
// fields.
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
		MaxNestedLevels:   4,
		MaxArrayElements:  MaxChunks,
		MaxMapPairs:       16,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
	}.DecMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}
