package gossip

import (
	"bytes"
	"crypto/rand"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// Version is the envelope version this node writes and reads.
const Version = 1

// envelope is the outer, public form of a gossip message.
type envelope struct {
	_          struct{} `cbor:",toarray"`
	Version    uint8
	Epoch      []byte
	Nonce      []byte
	Ciphertext []byte
}

// Seal encodes and seals b for space under the key of epoch (the 32-byte
// epoch ID). It returns ErrTooLarge when the envelope would pass
// MaxEnvelope.
func Seal(space string, epoch [32]byte, epochKey []byte, b Batch) ([]byte, error) {
	plain, err := b.encode()
	if err != nil {
		return nil, err
	}
	if len(plain) > MaxEnvelope {
		return nil, fmt.Errorf("%w: %d-byte batch", ErrTooLarge, len(plain))
	}
	aead, err := chacha20poly1305.NewX(sealKey(epochKey))
	if err != nil {
		return nil, fmt.Errorf("gossip: seal: %w", err)
	}
	e := envelope{Version: Version, Epoch: epoch[:], Nonce: make([]byte, aead.NonceSize())}
	_, _ = rand.Read(e.Nonce)
	e.Ciphertext = aead.Seal(nil, e.Nonce, plain, sealAD(Version, space, epoch[:]))
	out, err := encMode.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("gossip: seal: %w", err)
	}
	if len(out) > MaxEnvelope {
		return nil, fmt.Errorf("%w: %d-byte envelope", ErrTooLarge, len(out))
	}
	return out, nil
}

// Open checks an envelope's size, version and epoch, opens it under the
// epoch's key and decodes its batch. Every error wraps ErrMalformed,
// ErrVersion, ErrEpoch or ErrOpen: all prove the envelope bad whoever
// holds what.
func Open(data []byte, space string, epoch [32]byte, epochKey []byte) (Batch, error) {
	e, err := decodeEnvelope(data)
	if err != nil {
		return Batch{}, err
	}
	if !bytes.Equal(e.Epoch, epoch[:]) {
		return Batch{}, fmt.Errorf("%w: %x", ErrEpoch, e.Epoch)
	}
	aead, err := chacha20poly1305.NewX(sealKey(epochKey))
	if err != nil {
		return Batch{}, fmt.Errorf("gossip: open: %w", err)
	}
	plain, err := aead.Open(nil, e.Nonce, e.Ciphertext, sealAD(e.Version, space, e.Epoch))
	if err != nil {
		return Batch{}, ErrOpen
	}
	return decodeBatch(plain)
}

// decodeEnvelope decodes the public part of an envelope, refusing
// oversized input and any encoding but the canonical one.
func decodeEnvelope(data []byte) (envelope, error) {
	var e envelope
	if len(data) > MaxEnvelope {
		return e, fmt.Errorf("%w: %d-byte envelope over %d", ErrMalformed, len(data), MaxEnvelope)
	}
	if err := decMode.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	switch {
	case e.Version != Version:
		return e, fmt.Errorf("%w: %d", ErrVersion, e.Version)
	case len(e.Epoch) != 32 || len(e.Nonce) != chacha20poly1305.NonceSizeX:
		return e, fmt.Errorf("%w: epoch or nonce size", ErrMalformed)
	}
	if again, err := encMode.Marshal(e); err != nil || !bytes.Equal(again, data) {
		return e, fmt.Errorf("%w: envelope not in canonical form", ErrMalformed)
	}
	return e, nil
}

// sealAD is the associated data of an envelope: it binds the version, the
// space and the epoch, so a ciphertext cannot be moved between them.
func sealAD(version uint8, space string, epoch []byte) []byte {
	ad := append([]byte("weft/gossip/v1\x00"), version)
	ad = append(ad, space...)
	ad = append(ad, 0)
	return append(ad, epoch...)
}
