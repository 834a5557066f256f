package gossip

import (
	"bytes"
	"testing"

	pubsub "github.com/libp2p/go-libp2p-pubsub"

	"github.com/weftsync/weft/crdt/model"
)

func TestValidator(t *testing.T) {
	ctx := t.Context()
	space, doc := model.NewID(), model.NewID()
	k := SpaceKey{ID: space, Epoch: [32]byte{1}, Key: bytes.Repeat([]byte{7}, 32)}
	a, b, outsider := newAuthor(t), newAuthor(t), newAuthor(t)
	c1, c2 := a.change(t, "x", "1"), a.change(t, "y", "2")
	old := b.change(t, "z", "3")
	local := &fakeLocal{
		members: map[string]bool{space + string(a.id.Public): true, space + string(b.id.Public): true},
		held:    map[[32]byte]bool{old.Hash: true},
	}
	chunks := [][]byte{c1.Raw, c2.Raw}
	honest := Batch{Doc: doc, Type: "ledger", Chunks: chunks, Atts: [][]byte{attest(a.id, space, doc, c2)}}
	with := func(f func(b *Batch)) []byte {
		bb := honest
		bb.Chunks, bb.Atts = append([][]byte{}, honest.Chunks...), append([][]byte{}, honest.Atts...)
		f(&bb)
		return mustSeal(t, k, bb)
	}
	badSig := attest(a.id, space, doc, c2)
	badSig[len(badSig)-1] ^= 1
	corrupt := bytes.Clone(c1.Raw)
	corrupt[len(corrupt)-1] ^= 1
	tampered := mustSeal(t, k, honest)
	tampered[len(tampered)-1] ^= 1
	outsiderC := outsider.change(t, "w", "4")

	tests := []struct {
		name    string
		env     []byte
		local   bool
		want    pubsub.ValidationResult
		unknown bool
	}{
		{"honest", mustSeal(t, k, honest), false, pubsub.ValidationAccept, false},
		{"already held", mustSeal(t, k, Batch{Doc: doc, Type: "ledger", Chunks: [][]byte{old.Raw},
			Atts: [][]byte{attest(b.id, space, doc, old)}}), false, pubsub.ValidationIgnore, false},
		{"our own, held", mustSeal(t, k, Batch{Doc: doc, Type: "ledger", Chunks: [][]byte{old.Raw},
			Atts: [][]byte{attest(b.id, space, doc, old)}}), true, pubsub.ValidationAccept, false},
		{"signer not a member by our roster", mustSeal(t, k, Batch{Doc: doc, Type: "ledger", Chunks: [][]byte{outsiderC.Raw},
			Atts: [][]byte{attest(outsider.id, space, doc, outsiderC)}}), false, pubsub.ValidationIgnore, true},
		{"forged: b attests a's actor", with(func(x *Batch) { x.Atts = [][]byte{attest(b.id, space, doc, c2)} }), false, pubsub.ValidationReject, false},
		{"bad signature", with(func(x *Batch) { x.Atts = [][]byte{badSig} }), false, pubsub.ValidationReject, false},
		{"attestation for another document", with(func(x *Batch) { x.Atts = [][]byte{attest(a.id, space, model.NewID(), c2)} }), false, pubsub.ValidationReject, false},
		{"attestation for another space", with(func(x *Batch) { x.Atts = [][]byte{attest(a.id, model.NewID(), doc, c2)} }), false, pubsub.ValidationReject, false},
		{"attestation of an older change", with(func(x *Batch) { x.Atts = [][]byte{attest(a.id, space, doc, c1)} }), false, pubsub.ValidationReject, false},
		{"two attestations for one actor", with(func(x *Batch) { x.Atts = append(x.Atts, attest(a.id, space, doc, c1)) }), false, pubsub.ValidationReject, false},
		{"an actor with no attestation", with(func(x *Batch) { x.Chunks = append(x.Chunks, outsiderC.Raw) }), false, pubsub.ValidationReject, false},
		{"corrupt chunk", with(func(x *Batch) { x.Chunks[0] = corrupt }), false, pubsub.ValidationReject, false},
		{"tampered ciphertext", tampered, false, pubsub.ValidationReject, false},
		{"another epoch", func() []byte { k2 := k; k2.Epoch[0] = 2; return mustSeal(t, k2, honest) }(), false, pubsub.ValidationReject, false},
		{"another key", func() []byte { k2 := k; k2.Key = bytes.Repeat([]byte{8}, 32); return mustSeal(t, k2, honest) }(), false, pubsub.ValidationReject, false},
		{"another space", func() []byte { k2 := k; k2.ID = model.NewID(); return mustSeal(t, k2, honest) }(), false, pubsub.ValidationReject, false},
		{"announcement of a change we lack", mustSeal(t, k, Batch{Doc: doc, Type: "ledger", Heads: [][32]byte{c2.Hash}}), false, pubsub.ValidationAccept, false},
		{"announcement of a change we hold", mustSeal(t, k, Batch{Doc: doc, Type: "ledger", Heads: [][32]byte{old.Hash}}), false, pubsub.ValidationIgnore, false},
		{"not an envelope", []byte("hello"), false, pubsub.ValidationReject, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := check(ctx, local, k, tt.env, tt.local)
			if v.result != tt.want || v.unknownSigner != tt.unknown {
				t.Fatalf("result %v (unknown signer %v), want %v (%v)", v.result, v.unknownSigner, tt.want, tt.unknown)
			}
			if v.result == pubsub.ValidationAccept && v.batch.Doc != doc {
				t.Fatalf("accepted batch for doc %q", v.batch.Doc)
			}
		})
	}
}

func TestCheckAttestationsNeedsChanges(t *testing.T) {
	// A batch must carry changes with attestations, or heads alone.
	for name, b := range map[string]Batch{
		"no attestations":         {Doc: model.NewID(), Type: "ledger", Chunks: [][]byte{{1}}},
		"no changes":              {Doc: model.NewID(), Type: "ledger", Atts: [][]byte{{1}}},
		"heads and changes":       {Doc: model.NewID(), Type: "ledger", Chunks: [][]byte{{1}}, Atts: [][]byte{{1}}, Heads: [][32]byte{{1}}},
		"bad document ID":         {Doc: "../x", Type: "ledger", Heads: [][32]byte{{1}}},
		"unknown type":            {Doc: model.NewID(), Type: "wiki", Heads: [][32]byte{{1}}},
		"too many heads":          {Doc: model.NewID(), Type: "ledger", Heads: make([][32]byte, MaxHeads+1)},
		"metadata over the limit": {Doc: model.NewID(), Type: "ledger", Meta: make([]byte, MaxMeta+1), Heads: [][32]byte{{1}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Seal("s", [32]byte{}, []byte("k"), b); err == nil {
				t.Fatal("sealed a batch that breaks the format")
			}
		})
	}
}
