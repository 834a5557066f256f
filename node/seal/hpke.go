package seal

import (
	"crypto/ecdh"
	"crypto/hpke"
	"fmt"
)

// HPKE suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305
// (RFC 9180, base mode).
var (
	hpkeKDF  = hpke.HKDFSHA256()
	hpkeAEAD = hpke.ChaCha20Poly1305()
)

// NewX25519Key returns a new X25519 key pair, as a joiner makes to receive
// epoch keys.
func NewX25519Key() (*ecdh.PrivateKey, error) {
	k, err := ecdh.X25519().GenerateKey(nil)
	if err != nil {
		return nil, fmt.Errorf("seal: new x25519 key: %w", err)
	}
	return k, nil
}

// SealToRecipient encrypts plaintext to the holder of the X25519 public key
// recipientPub (32 bytes). info binds the purpose (for example the space and
// epoch); the recipient must give the same info to open. The result is the
// encapsulated key followed by the ciphertext.
func SealToRecipient(recipientPub, info, plaintext []byte) ([]byte, error) {
	pub, err := ecdh.X25519().NewPublicKey(recipientPub)
	if err != nil {
		return nil, fmt.Errorf("seal: hpke recipient: %w: %v", ErrKeySize, err)
	}
	pk, err := hpke.NewDHKEMPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("seal: hpke recipient: %w", err)
	}
	out, err := hpke.Seal(pk, hpkeKDF, hpkeAEAD, info, plaintext)
	if err != nil {
		return nil, fmt.Errorf("seal: hpke seal: %w", err)
	}
	return out, nil
}

// OpenFromSender decrypts a value made by SealToRecipient for priv's public
// key with the same info. Anything else fails with ErrOpen.
func OpenFromSender(priv *ecdh.PrivateKey, info, sealed []byte) ([]byte, error) {
	if priv == nil {
		return nil, fmt.Errorf("seal: hpke open: no key: %w", ErrKeySize)
	}
	k, err := hpke.NewDHKEMPrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("seal: hpke key: %w", err)
	}
	pt, err := hpke.Open(k, hpkeKDF, hpkeAEAD, info, sealed)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
