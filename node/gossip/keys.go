package gossip

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// topicEncoding writes topic names: lowercase base32, no padding.
var topicEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// TopicName is the pubsub topic of an epoch:
// base32(HMAC-SHA256(epoch key, "topic")[:16]), lowercase. Only holders of
// the epoch key can name it.
func TopicName(epochKey []byte) string {
	sum := mac(epochKey, "topic")
	return strings.ToLower(topicEncoding.EncodeToString(sum[:16]))
}

// sealKey is the key envelopes of an epoch are sealed with, kept apart
// from every other use of the epoch key.
func sealKey(epochKey []byte) []byte {
	sum := mac(epochKey, "weft/gossip/seal/v1")
	return sum[:]
}

func mac(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}
