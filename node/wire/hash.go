package wire

import "encoding/hex"

// HashHex returns the lowercase hex form of a change hash, as automerge's
// ChangeHash.String.
func HashHex(h [32]byte) string { return hex.EncodeToString(h[:]) }

// ParseHash parses a change hash written as 64 lowercase hex digits.
func ParseHash(s string) ([32]byte, error) {
	var h [32]byte
	if len(s) != 2*len(h) {
		return h, errorf(ErrHash, "%d characters, want 64", len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return h, errorf(ErrHash, "character %d is %q", i, c)
		}
	}
	_, err := hex.Decode(h[:], []byte(s))
	return h, err
}
