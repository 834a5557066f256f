package member

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
)

// idEncoding is lowercase base32 without padding, as crdt/model's IDs.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// spaceIDLabel separates space ID derivation from every other use of SHA-256.
const spaceIDLabel = "weft/space-id/v1"

// SpaceID derives a space's ID from its creator's key and the create
// operation's salt: 128 bits of SHA-256, in lowercase base32 like every weft
// ID. Only the creator can therefore sign a valid create operation for a
// space, so nobody can fork a space by creating it again.
func SpaceID(creator ed25519.PublicKey, salt []byte) string {
	h := sha256.New()
	h.Write([]byte(spaceIDLabel))
	h.Write(creator)
	h.Write(salt)
	return idEncoding.EncodeToString(h.Sum(nil)[:16])
}

// NewCreate returns an unsigned create operation for a new space with a
// random salt, its ID derived from creator and the salt. The caller sets
// Recipients (the first epoch key sealed to the creator) and signs it.
func NewCreate(creator ed25519.PublicKey, spaceName, creatorName string, creatorX25519 []byte, now int64) *Op {
	salt := make([]byte, SaltSize)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails (Go 1.24+).
	return &Op{Version: OpVersion, Space: SpaceID(creator, salt), Kind: KindCreate, Signer: creator,
		Time: now, SpaceName: spaceName, Salt: salt, Name: creatorName, X25519: creatorX25519}
}
