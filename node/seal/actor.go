package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
)

// Actor sizes: an actor is ActorPrefixSize bytes naming its member followed
// by random bytes, ActorSize bytes in all.
const (
	ActorPrefixSize = 8
	ActorSize       = 16
)

// ActorPrefix returns SHA-256(pub)[:8], the first bytes of every actor that
// belongs to the member with key pub.
func ActorPrefix(pub ed25519.PublicKey) []byte {
	h := sha256.Sum256(pub)
	return h[:ActorPrefixSize]
}

// NewActor returns a new 16-byte actor owned by pub: its prefix and 8
// random bytes.
func NewActor(pub ed25519.PublicKey) []byte {
	a := make([]byte, ActorSize)
	copy(a, ActorPrefix(pub))
	_, _ = rand.Read(a[ActorPrefixSize:])
	return a
}

// OwnsActor reports whether actor is ActorSize bytes long and starts with
// pub's prefix.
func OwnsActor(pub ed25519.PublicKey, actor []byte) bool {
	return len(actor) == ActorSize && bytes.Equal(actor[:ActorPrefixSize], ActorPrefix(pub))
}
