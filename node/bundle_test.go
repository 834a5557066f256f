package node_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/wire"
)

func TestBundleTamperingWritesNothing(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	c, _ := initNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Housing"))
	joinSpace(t, a, b, sp)
	const memo = "dues-canary-Kq8wZ"
	must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 700, Currency: "EUR", Memo: memo}))
	var good bytes.Buffer
	if err := b.ExportBundle(ctx, sp, &good); err != nil {
		t.Fatal(err)
	}
	foreignSp := must[node.Space](t)(c.CreateSpace(ctx, "Elsewhere"))
	var foreign bytes.Buffer
	if err := c.ExportBundle(ctx, foreignSp, &foreign); err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		x := bytes.Clone(good.Bytes())
		x[(i+len(x))%len(x)] ^= 0x40
		return x
	}
	g := good.Bytes()
	tests := []struct {
		name string
		data []byte
	}{
		{"flipped magic", flip(0)},
		{"flipped version", flip(8)},
		{"flipped nonce", flip(12)},
		{"flipped tag", flip(wire.BundleHeaderSize - 1)},
		{"flipped entry length", flip(wire.BundleHeaderSize + 2)},
		{"flipped middle", flip(len(g) / 2)},
		{"flipped last byte", flip(-1)},
		{"truncated by one byte", g[:len(g)-1]},
		{"truncated to half", g[:len(g)/2]},
		{"truncated to the header", g[:wire.BundleHeaderSize]},
		{"empty", nil},
		{"trailing byte", append(bytes.Clone(g), 0)},
		{"from another space", foreign.Bytes()},
	}
	entries := func() int { return len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))) }
	before := entries()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := a.ImportBundle(ctx, bytes.NewReader(tt.data))
			if !errors.Is(err, node.ErrInvalid) {
				t.Fatalf("import: %v (report %+v), want ErrInvalid", err, rep)
			}
			if got := entries(); got != before {
				t.Fatalf("entries %d -> %d after a refused bundle", before, got)
			}
		})
	}
	t.Run("the untouched bundle imports", func(t *testing.T) {
		rep := must[node.BundleReport](t)(a.ImportBundle(ctx, bytes.NewReader(g)))
		if rep.Added != 1 || entries() != before+1 {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("nothing in the plaintext names the space or its content", func(t *testing.T) {
		// Needles of five bytes or more: a shorter one ("Bo", "EUR") turns up
		// in kilobytes of ciphertext by chance.
		for _, s := range []string{sp.ID, sp.Name, "Amina", memo, b.PeerID()} {
			if bytes.Contains(g, []byte(s)) {
				t.Errorf("bundle bytes contain %q", s)
			}
		}
	})
}
