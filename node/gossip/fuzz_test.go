package gossip

import (
	"bytes"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// fuzzKey and fuzzEpoch are the key and epoch of the seed corpus
// (testdata/fuzz/FuzzOpen).
var (
	fuzzKey   = bytes.Repeat([]byte{5}, 32)
	fuzzEpoch = [32]byte{5}
)

// FuzzOpen feeds Open arbitrary envelopes: it must never panic, and what it
// opens must pass the batch rules and seal again.
func FuzzOpen(f *testing.F) {
	b := Batch{Doc: model.NewID(), Type: "ledger", Chunks: [][]byte{[]byte("chunk")}, Atts: [][]byte{[]byte("att")}}
	if env, err := Seal("space", fuzzEpoch, fuzzKey, b); err == nil {
		f.Add(env)
	}
	f.Add([]byte{0x84, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Open(data, "space", fuzzEpoch, fuzzKey)
		if err != nil {
			return
		}
		if err := got.check(); err != nil {
			t.Fatalf("opened a batch that breaks the rules: %v", err)
		}
		if _, err := Seal("space", fuzzEpoch, fuzzKey, got); err != nil {
			t.Fatalf("opened batch does not seal again: %v", err)
		}
	})
}

// FuzzDecodeBatch feeds the plaintext decoder directly, below the AEAD the
// fuzzer cannot get through.
func FuzzDecodeBatch(f *testing.F) {
	b := Batch{Doc: model.NewID(), Type: "case", Heads: [][32]byte{{1}}}
	if plain, err := b.encode(); err == nil {
		f.Add(plain)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeBatch(data)
		if err != nil {
			return
		}
		if _, err := got.encode(); err != nil {
			t.Fatalf("decoded batch does not encode: %v", err)
		}
	})
}
