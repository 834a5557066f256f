package seal

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// DataKeySize is the length of a data key in bytes.
const DataKeySize = 32

// sealVersion is the first byte of every sealed value.
const sealVersion byte = 1

// headerSize is the version byte and the key ID that start a sealed value.
const headerSize = 1 + 4

// Overhead is how many bytes Seal adds to a plaintext.
const Overhead = headerSize + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// HKDF info strings deriving the sealing and index keys from a data key.
const (
	infoSeal  = "weft/seal/v1"
	infoIndex = "weft/index/v1"
)

// Keys seals and opens values at rest and computes index HMACs, all from one
// data key. It is safe for concurrent use.
type Keys struct {
	keyID    uint32
	aead     cipher.AEAD
	indexKey []byte
	macs     sync.Pool // of hmac.New(sha256.New, indexKey), for Index
}

// NewDataKey returns a new random data key of DataKeySize bytes.
func NewDataKey() []byte {
	k := make([]byte, DataKeySize)
	_, _ = rand.Read(k) // crypto/rand.Read never fails (Go 1.24+).
	return k
}

// NewKeys derives the sealing key and the index key from dataKey. keyID
// names the data key; it is written into every sealed value and bound into
// its associated data.
func NewKeys(dataKey []byte, keyID uint32) (*Keys, error) {
	if len(dataKey) != DataKeySize {
		return nil, fmt.Errorf("seal: data key of %d bytes: %w", len(dataKey), ErrKeySize)
	}
	sealKey, err := hkdf.Key(sha256.New, dataKey, nil, infoSeal, chacha20poly1305.KeySize)
	if err != nil {
		return nil, fmt.Errorf("seal: derive sealing key: %w", err)
	}
	indexKey, err := hkdf.Key(sha256.New, dataKey, nil, infoIndex, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("seal: derive index key: %w", err)
	}
	aead, err := chacha20poly1305.NewX(sealKey)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &Keys{keyID: keyID, aead: aead, indexKey: indexKey}, nil
}

// KeyID returns the ID of the data key these keys derive from.
func (k *Keys) KeyID() uint32 { return k.keyID }

// Seal encrypts plaintext bound to ad. The result is version byte, key ID
// (4 bytes, big-endian), a random 24-byte nonce and the ciphertext; the
// version and key ID are authenticated with ad.
func (k *Keys) Seal(ad, plaintext []byte) ([]byte, error) {
	out := make([]byte, headerSize+chacha20poly1305.NonceSizeX, Overhead+len(plaintext))
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:headerSize], k.keyID)
	nonce := out[headerSize:]
	_, _ = rand.Read(nonce)
	return k.aead.Seal(out, nonce, plaintext, boundAD(out[:headerSize], ad)), nil
}

// Open decrypts a value made by Seal with the same ad. Any change to the
// value, a different ad or a different key fails with ErrOpen.
func (k *Keys) Open(ad, sealed []byte) ([]byte, error) {
	if len(sealed) < Overhead || sealed[0] != sealVersion {
		return nil, ErrOpen
	}
	if SealedKeyID(sealed) != k.keyID {
		return nil, fmt.Errorf("%w: sealed under key %d, not %d", ErrOpen, SealedKeyID(sealed), k.keyID)
	}
	nonce := sealed[headerSize : headerSize+chacha20poly1305.NonceSizeX]
	body := sealed[headerSize+chacha20poly1305.NonceSizeX:]
	pt, err := k.aead.Open(nil, nonce, body, boundAD(sealed[:headerSize], ad))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// SealedKeyID returns the key ID written in a sealed value, or 0 when the
// value is too short to hold one. It lets a caller holding several data keys
// pick the one to open with; it is not authenticated until Open succeeds.
func SealedKeyID(sealed []byte) uint32 {
	if len(sealed) < headerSize {
		return 0
	}
	return binary.BigEndian.Uint32(sealed[1:headerSize])
}

// Index returns HMAC-SHA256(index key, id): the 32-byte value stored in
// indexed columns in place of an ID.
func (k *Keys) Index(id []byte) []byte {
	// A keyed HMAC is reused (Reset restores its keyed state): hmac.New
	// cost about six times the hash of a 32-byte id here (decision 0035).
	m, _ := k.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, k.indexKey)
	} else {
		m.Reset()
	}
	m.Write(id)
	out := m.Sum(nil)
	k.macs.Put(m)
	return out
}

// boundAD is the associated data given to the AEAD: the header, then the
// caller's ad. The header has a fixed length, so the split is unambiguous.
func boundAD(header, ad []byte) []byte {
	b := make([]byte, 0, len(header)+len(ad))
	return append(append(b, header...), ad...)
}
