package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"sync"

	"filippo.io/edwards25519"
)

// Signature checks with the signer's point decoded once (decision 0040).
// ed25519.Verify decodes the public key, a square root, on every call; a
// node checks many signatures of few members (a fresh member receives an
// attestation per document, nearly all by one or two authors), so Verify
// keeps each key's negated point and repeats the rest of the standard
// library's check step by step. It accepts exactly what ed25519.Verify
// accepts (TestVerifierAgrees, FuzzVerifierAgrees).

// maxVerifiers bounds the decoded keys kept; past it the cache starts
// again (a member count far above any coalition's).
const maxVerifiers = 4096

// verifiers caches decoded keys by their encoding.
var verifiers struct {
	mu sync.Mutex
	m  map[[ed25519.PublicKeySize]byte]*verifier
}

// verifier is one public key, decoded: its encoding (hashed as given, as
// the standard library hashes it) and the negation of its point, or
// invalid when the encoding is not a point.
type verifier struct {
	enc     [ed25519.PublicKeySize]byte
	minusA  edwards25519.Point
	invalid bool
}

// verifierOf returns pub's decoded key, from the cache or made and kept.
// pub must be PublicKeySize bytes.
func verifierOf(pub ed25519.PublicKey) *verifier {
	k := [ed25519.PublicKeySize]byte(pub)
	verifiers.mu.Lock()
	v, ok := verifiers.m[k]
	verifiers.mu.Unlock()
	if ok {
		return v
	}
	v = &verifier{enc: k}
	var a edwards25519.Point
	if _, err := a.SetBytes(pub); err != nil {
		v.invalid = true
	} else {
		v.minusA.Negate(&a)
	}
	verifiers.mu.Lock()
	if verifiers.m == nil || len(verifiers.m) >= maxVerifiers {
		verifiers.m = make(map[[ed25519.PublicKeySize]byte]*verifier)
	}
	verifiers.m[k] = v
	verifiers.mu.Unlock()
	return v
}

// verify is crypto/internal/fips140/ed25519's verifyWithDom for pure
// Ed25519, with the key decoded ahead: the same checks in the same order.
func (v *verifier) verify(message, sig []byte) bool {
	if v.invalid || len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return false
	}
	kh := sha512.New()
	kh.Write(sig[:32])
	kh.Write(v.enc[:])
	kh.Write(message)
	var digest [sha512.Size]byte
	k, err := edwards25519.NewScalar().SetUniformBytes(kh.Sum(digest[:0]))
	if err != nil {
		return false // 64 bytes: cannot happen
	}
	S, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	R := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(k, &v.minusA, S)
	return bytes.Equal(sig[:32], R.Bytes())
}
