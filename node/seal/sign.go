package seal

import (
	"crypto/ed25519"
	"encoding/binary"
)

// Signature contexts. Every signature weft makes names exactly one of them,
// so a signature made for one purpose never verifies for another.
const (
	ContextAttest      = "weft/attest/v1"
	ContextMemberOp    = "weft/member-op/v1"
	ContextInvite      = "weft/invite/v1"
	ContextInviteProof = "weft/invite-proof/v1"
	ContextBundle      = "weft/bundle/v1"
)

// Sign signs context and fields with priv. The signed message is the
// context and then every field, each preceded by its length as a 64-bit
// big-endian integer, so no two different field lists sign the same bytes.
func Sign(priv ed25519.PrivateKey, context string, fields ...[]byte) []byte {
	return ed25519.Sign(priv, message(context, fields))
}

// Verify reports whether sig is pub's signature over context and fields as
// made by Sign. A key or signature of the wrong length does not verify.
func Verify(pub ed25519.PublicKey, context string, sig []byte, fields ...[]byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return verifierOf(pub).verify(message(context, fields), sig) // ed25519.Verify, the key decoded once (verify.go)
}

// message builds the length-prefixed bytes that Sign signs.
func message(context string, fields [][]byte) []byte {
	n := 8 + len(context)
	for _, f := range fields {
		n += 8 + len(f)
	}
	b := make([]byte, 0, n)
	b = binary.BigEndian.AppendUint64(b, uint64(len(context)))
	b = append(b, context...)
	for _, f := range fields {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}
