package wire

import "github.com/fxamacker/cbor/v2"

// Every weft format on disk or on the wire (operations, invites,
// attestations, frames, envelopes) is CBOR encoded deterministically, and
// decoded strictly: no duplicate keys, indefinite lengths, tags or unknown
// fields, and bounded nesting and counts.

// DeterministicEncMode returns the RFC 8949 core deterministic encoder: one
// value, one encoding.
func DeterministicEncMode() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}

// StrictDecMode returns a strict decoder bounded to maxNested levels,
// maxArray elements per array and maxMap pairs per map.
func StrictDecMode(maxNested, maxArray, maxMap int) cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   maxNested,
		MaxArrayElements:  maxArray,
		MaxMapPairs:       maxMap,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
	}.DecMode()
	if err != nil {
		panic(err) // bounds are constants of the caller: a bad one is a bug
	}
	return m
}
