package seal

import (
	"encoding/binary"
	"unicode/utf8"
)

// An attestation's encoding without reflection (decision 0040): a fresh
// member checks one attestation per document, and UnmarshalAttestation
// encodes each again to see that it came in canonical form; encMode's
// reflection was most of that. attestWire has a fixed layout, so its core
// deterministic encoding (RFC 8949 section 4.2.1) is written here field by
// field; TestAttestationEncodingAgrees holds it to encMode's bytes.

// CBOR major types used by attestWire.
const (
	cborUint  = 0
	cborBytes = 2
	cborText  = 3
	cborArray = 4
	cborNull  = 0xf6 // a nil byte string, as encMode writes it
)

// appendWire appends a's encoding as attestWire to b. It reports false,
// and appends nothing, for an ID that is not valid UTF-8: encMode's
// handling of those is left to it.
func (a Attestation) appendWire(b []byte) ([]byte, bool) {
	if !utf8.ValidString(a.Space) || !utf8.ValidString(a.Doc) {
		return b, false
	}
	b = appendHead(b, cborArray, 8)
	b = appendHead(b, cborUint, attestVersion)
	b = appendHead(b, cborText, uint64(len(a.Space)))
	b = append(b, a.Space...)
	b = appendHead(b, cborText, uint64(len(a.Doc)))
	b = append(b, a.Doc...)
	b = appendByteString(b, a.Actor)
	b = appendHead(b, cborUint, a.Seq)
	b = appendByteString(b, a.Hash[:])
	b = appendByteString(b, a.Signer)
	b = appendByteString(b, a.Sig)
	return b, true
}

// wireSize is at least the length of a's encoding: its fields and at most
// 9 bytes of head each.
func (a Attestation) wireSize() int {
	return 10*9 + len(a.Space) + len(a.Doc) + len(a.Actor) + len(a.Hash) + len(a.Signer) + len(a.Sig)
}

// appendByteString appends v as a byte string, or null when it is nil.
func appendByteString(b, v []byte) []byte {
	if v == nil {
		return append(b, cborNull)
	}
	return append(appendHead(b, cborBytes, uint64(len(v))), v...)
}

// appendHead appends the head of a data item of major type major and
// argument n in its shortest form.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}
