package node

import (
	"crypto/ed25519"
	"math/big"
)

// PeerID returns the libp2p peer ID of an Ed25519 public key: the base58btc
// identity multihash of the key's protobuf encoding ("12D3KooW…").
func PeerID(pub ed25519.PublicKey) string {
	// protobuf PublicKey{Type: Ed25519 (1), Data: 32 bytes}
	pb := append([]byte{0x08, 0x01, 0x12, 0x20}, pub...)
	mh := append([]byte{0x00, byte(len(pb))}, pb...) // identity multihash
	return base58(mh)
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func base58(b []byte) string {
	x := new(big.Int).SetBytes(b)
	base, mod := big.NewInt(58), new(big.Int)
	var out []byte
	for x.Sign() > 0 {
		x.DivMod(x, base, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}
