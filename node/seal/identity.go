package seal

import (
	"crypto/ed25519"
	"fmt"
)

// Identity is a member's long-lived Ed25519 key pair; its public half is the
// member's key in the roster and its libp2p peer key.
type Identity struct {
	Public  ed25519.PublicKey
	Private ed25519.PrivateKey
}

// NewIdentity returns a new random identity.
func NewIdentity() (*Identity, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, fmt.Errorf("seal: new identity: %w", err)
	}
	return &Identity{Public: pub, Private: priv}, nil
}

// IdentityFromSeed rebuilds an identity from its 32-byte seed
// (ed25519.PrivateKey.Seed).
func IdentityFromSeed(seed []byte) (*Identity, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("seal: identity seed of %d bytes: %w", len(seed), ErrKeySize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return &Identity{Public: priv.Public().(ed25519.PublicKey), Private: priv}, nil
}
