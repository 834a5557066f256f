package member

// Limits, checked by Decode and by Log.Add before anything else.
const (
	// MaxOpSize is the largest encoded operation.
	MaxOpSize = 64 << 10
	// MaxInviteSize is the largest encoded invite.
	MaxInviteSize = 1 << 10
	// MaxFollows is the most operations one operation may follow.
	MaxFollows = 64
	// MaxRelays is the most relay addresses a set_relays operation holds.
	MaxRelays = 16
	// MaxRelayLen is the longest relay multiaddr, in bytes.
	MaxRelayLen = 256
	// MaxRecipients is the most members an epoch key is sealed to.
	MaxRecipients = 512
	// MaxSealedKeySize is the largest sealed epoch key for one recipient.
	MaxSealedKeySize = 256
	// MaxNameLen is the longest space or display name, in bytes.
	MaxNameLen = 128
	// MaxDocIDLen is the longest document ID in a cut.
	MaxDocIDLen = 128
	// MaxInviteUses is the most uses one invite may allow.
	MaxInviteUses = 1000
	// MaxPending is the most operations a Log holds while it waits for the
	// operations they follow.
	MaxPending = 1024
	// NonceSize is the size of a join nonce.
	NonceSize = 32
	// SaltSize is the size of a create operation's salt.
	SaltSize = 16
	// X25519Size is the size of a member's X25519 public key.
	X25519Size = 32
	// MaxClockSkew (10 minutes, in ms) is how far an admission's signed time
	// may lie before the latest time signed in the operations it follows.
	MaxClockSkew = 10 * 60 * 1000
)
