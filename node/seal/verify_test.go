package seal

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"testing"

	"filippo.io/edwards25519"
)

// groupOrder is L, the order of the prime subgroup, little-endian.
var groupOrder = func() []byte {
	b, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	return b
}()

// addLE returns a + b as 32 little-endian bytes (the carry out dropped).
func addLE(a, b []byte) []byte {
	out := make([]byte, 32)
	carry := 0
	for i := range 32 {
		s := int(a[i]) + int(b[i]) + carry
		out[i], carry = byte(s), s>>8
	}
	return out
}

// smallOrderKeys are encodings of points of small order (the eight
// torsion points, canonical and not) and of nothing on the curve.
var smallOrderKeys = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4, sign bit set
	"0000000000000000000000000000000000000000000000000000000000000000", // order 4
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // identity, y = p + 1 (non-canonical)
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p (non-canonical 0)
	"0200000000000000000000000000000000000000000000000000000000000000", // y = 2: not on the curve
}

// agree fails t unless Verify and ed25519.Verify give the same answer for
// pub, msg and sig, twice (the second from the cache), and returns it.
func agree(t *testing.T, what string, pub, msg, sig []byte) bool {
	t.Helper()
	want := len(pub) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize && ed25519.Verify(pub, msg, sig)
	for range 2 {
		got := false
		if len(pub) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize {
			got = verifierOf(pub).verify(msg, sig)
		}
		if got != want {
			t.Fatalf("%s: Verify %v, ed25519.Verify %v (key %x, sig %x)", what, got, want, pub, sig)
		}
	}
	return want
}

// TestVerifierAgrees: the cached-key check accepts exactly what
// ed25519.Verify accepts: good signatures; not forged ones (any bit of
// R, S, the key or the message flipped), malleable ones (S + L, S with
// its top bits set), nor any under a key that is not a point; and, like
// it, signatures under small-order and non-canonical keys that satisfy
// the cofactorless equation.
func TestVerifierAgrees(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := []byte("weft/attest/v1 a change")
	sig := ed25519.Sign(priv, msg)
	if !agree(t, "a good signature", pub, msg, sig) {
		t.Fatal("a good signature did not verify")
	}
	for i := 0; i < len(sig)*8; i += 5 { // every fifth bit: R's and S's, low and high
		forged := append([]byte(nil), sig...)
		forged[i/8] ^= 1 << (i % 8)
		if agree(t, "a flipped signature bit", pub, msg, forged) {
			t.Fatalf("bit %d of the signature flipped still verifies", i)
		}
	}
	for i := 0; i < len(pub)*8; i += 9 {
		key := append([]byte(nil), pub...)
		key[i/8] ^= 1 << (i % 8)
		agree(t, "a flipped key bit", key, msg, sig)
	}
	other := append([]byte(nil), msg...)
	other[0] ^= 1
	if agree(t, "another message", pub, other, sig) {
		t.Fatal("a signature verified for another message")
	}
	// Malleability: S + L is the same scalar, not in canonical form.
	malleable := append(append([]byte(nil), sig[:32]...), addLE(sig[32:], groupOrder)...)
	if agree(t, "S + L", pub, msg, malleable) {
		t.Fatal("S + L verified")
	}
	high := append([]byte(nil), sig...)
	high[63] |= 0xe0
	agree(t, "S with its top bits set", pub, msg, high)

	// Small-order and non-canonical keys: for some R, [S]B - [k]A = R
	// holds, k being the hash of R: a forgery both must accept alike.
	for _, k := range smallOrderKeys {
		key, _ := hex.DecodeString(k)
		var a edwards25519.Point
		if _, err := a.SetBytes(key); err != nil {
			if agree(t, "a key off the curve", key, msg, sig) {
				t.Fatalf("key %s is not a point and verified", k)
			}
			continue
		}
		if !agree(t, "small-order key "+k, key, msg, forge(t, key, &a, msg)) {
			t.Fatalf("key %s: a forgery the cofactorless equation holds for did not verify", k)
		}
	}
}

// forge returns a signature of msg under key (the encoding of a, a point
// of small order) that satisfies [S]B - [k]A = R: R is [S]B minus a guess
// at [k]A, tried with a fresh S until the hash of R makes the guess right
// (about one time in eight).
func forge(t *testing.T, key []byte, a *edwards25519.Point, msg []byte) []byte {
	t.Helper()
	var s [64]byte
	guess := edwards25519.NewIdentityPoint()
	for try := range 1000 {
		if try > 0 {
			guess.Add(guess, a) // [try]A
		}
		rand.Read(s[:]) // a new S each time: R must take more values than A's order
		S, _ := edwards25519.NewScalar().SetUniformBytes(s[:])
		R := new(edwards25519.Point).ScalarBaseMult(S)
		R.Subtract(R, guess)
		h := sha512.New()
		h.Write(R.Bytes())
		h.Write(key)
		h.Write(msg)
		k, _ := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
		if new(edwards25519.Point).ScalarMult(k, a).Equal(guess) == 1 {
			return append(R.Bytes(), S.Bytes()...)
		}
	}
	t.Fatalf("no forgery under %x in 1000 tries", key)
	return nil
}

// TestVerifierAgreesOnRandomKeys: many keys, messages and signatures,
// good and corrupted, and a cache that starts again past maxVerifiers.
func TestVerifierAgreesOnRandomKeys(t *testing.T) {
	for i := range 50 {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		msg := make([]byte, i*7)
		rand.Read(msg)
		sig := ed25519.Sign(priv, msg)
		if !agree(t, "a good signature", pub, msg, sig) {
			t.Fatal("a good signature did not verify")
		}
		sig[i%64] ^= byte(1 + i)
		agree(t, "a corrupted signature", pub, msg, sig)
	}
	key := make([]byte, ed25519.PublicKeySize)
	for range maxVerifiers + 10 { // random bytes: about half are points
		rand.Read(key)
		verifierOf(key)
	}
	verifiers.mu.Lock()
	n := len(verifiers.m)
	verifiers.mu.Unlock()
	if n > maxVerifiers || n == 0 {
		t.Fatalf("%d keys cached, want 1 to %d", n, maxVerifiers)
	}
}

// FuzzVerifierAgrees: for any key, message and signature, Verify and
// ed25519.Verify agree.
func FuzzVerifierAgrees(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := []byte("seed")
	f.Add([]byte(pub), msg, ed25519.Sign(priv, msg))
	for _, k := range smallOrderKeys {
		key, _ := hex.DecodeString(k)
		f.Add(key, msg, make([]byte, 64))
	}
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		agree(t, "fuzz", pub, msg, sig)
	})
}

// TestVerifyUsesTheCache: seal.Verify (every attestation, membership
// operation and bundle check) goes through the cached key, and still
// refuses what ed25519.Verify refuses.
func TestVerifyUsesTheCache(t *testing.T) {
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	sig := Sign(id.Private, ContextAttest, []byte("a"), []byte("b"))
	if !Verify(id.Public, ContextAttest, sig, []byte("a"), []byte("b")) {
		t.Fatal("a good signature did not verify")
	}
	verifiers.mu.Lock()
	_, cached := verifiers.m[[32]byte(id.Public)]
	verifiers.mu.Unlock()
	if !cached {
		t.Fatal("the key was not kept decoded")
	}
	if Verify(id.Public, ContextMemberOp, sig, []byte("a"), []byte("b")) || Verify(id.Public, ContextAttest, sig, []byte("a"), []byte("c")) {
		t.Fatal("a signature verified under another context or fields")
	}
}

// BenchmarkVerify times ed25519.Verify and the cached-key check on one
// key and message: `go test -run XXX -bench BenchmarkVerify -cpu 1
// ./node/seal/` (wall time; noisy on a shared machine).
func BenchmarkVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 200)
	sig := ed25519.Sign(priv, msg)
	b.Run("ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("did not verify")
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if !verifierOf(pub).verify(msg, sig) {
				b.Fatal("did not verify")
			}
		}
	})
}
