package seal

import (
	"crypto/ed25519"
	"crypto/sha512"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// AttestMany is Attest of each of as (their Signer and Sig are set from
// id), signed together (decision 0035): the signatures are exactly those
// Attest makes (Ed25519 is deterministic, RFC 8032), but encoding each
// signature's point R takes a field inversion, the largest single cost of a
// signature after the scalar multiplication, and SignBatch makes one
// inversion for the whole batch instead (Montgomery's trick).
func AttestMany(id *Identity, as []Attestation) {
	msgs := make([][]byte, len(as))
	for i := range as {
		as[i].Signer = id.Public
		msgs[i] = message(ContextAttest, as[i].fields())
	}
	for i, sig := range SignBatch(id.Private, msgs) {
		as[i].Sig = sig
	}
}

// SignBatch returns ed25519.Sign(priv, m) for each message m of msgs, in
// order, computed with one field inversion for the batch. Every step on
// secret values (the key's scalar, each nonce and its point) is
// edwards25519's constant-time arithmetic, as in crypto/ed25519, from which
// it differs only in batching the inversions that encode the points R.
func SignBatch(priv ed25519.PrivateKey, msgs [][]byte) [][]byte {
	h := sha512.Sum512(priv.Seed())
	a, err := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	if err != nil {
		panic("seal: clamped scalar refused: " + err.Error()) // 32 bytes: cannot fail
	}
	prefix, pub := h[32:], priv.Public().(ed25519.PublicKey)

	n := len(msgs)
	rs := make([]edwards25519.Scalar, n)
	xs := make([]field.Element, n)
	ys := make([]field.Element, n)
	zs := make([]field.Element, n)
	prods := make([]field.Element, n) // prods[i] = zs[0] * ... * zs[i]
	var digest [64]byte
	for i, m := range msgs {
		d := sha512.New()
		d.Write(prefix)
		d.Write(m)
		if _, err := rs[i].SetUniformBytes(d.Sum(digest[:0])); err != nil {
			panic("seal: nonce refused: " + err.Error()) // 64 bytes: cannot fail
		}
		R := new(edwards25519.Point).ScalarBaseMult(&rs[i])
		X, Y, Z, _ := R.ExtendedCoordinates()
		xs[i].Set(X)
		ys[i].Set(Y)
		zs[i].Set(Z)
		if i == 0 {
			prods[0].Set(Z)
		} else {
			prods[i].Multiply(&prods[i-1], Z)
		}
	}

	// inv is 1 / (zs[0] * ... * zs[i]) as i falls; each step peels off
	// zs[i]'s inverse. Z is never zero for a point in extended coordinates.
	var inv, zInv, x, y field.Element
	if n > 0 {
		inv.Invert(&prods[n-1])
	}
	sigs := make([][]byte, n)
	for i := n - 1; i >= 0; i-- {
		if i > 0 {
			zInv.Multiply(&inv, &prods[i-1])
			inv.Multiply(&inv, &zs[i])
		} else {
			zInv.Set(&inv)
		}
		x.Multiply(&xs[i], &zInv)
		y.Multiply(&ys[i], &zInv)
		sig := make([]byte, ed25519.SignatureSize)
		copy(sig, y.Bytes())
		sig[31] |= byte(x.IsNegative() << 7)

		d := sha512.New()
		d.Write(sig[:32])
		d.Write(pub)
		d.Write(msgs[i])
		k, err := new(edwards25519.Scalar).SetUniformBytes(d.Sum(digest[:0]))
		if err != nil {
			panic("seal: challenge refused: " + err.Error()) // 64 bytes: cannot fail
		}
		s := new(edwards25519.Scalar).MultiplyAdd(k, a, &rs[i])
		copy(sig[32:], s.Bytes())
		sigs[i] = sig
	}
	return sigs
}
