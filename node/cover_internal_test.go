package node

import (
	"crypto/sha256"
	"testing"

	"github.com/weftsync/weft/node/wire"
)

// TestCoverByDescent: an attested change covers, with its signer, the
// changes of its own actor with a lower seq among its ancestors in the
// batch, and nothing else: not another actor's ancestors, not its own
// actor's changes off its ancestry (a fork), not a later change; a top
// of an actor with nothing open is passed over; each walk starts afresh.
func TestCoverByDescent(t *testing.T) {
	mk := func(name, actor string, seq uint64, deps ...*wire.Change) *wire.Change {
		c := &wire.Change{Hash: sha256.Sum256([]byte(name)), Actor: []byte(actor), Seq: seq}
		for _, d := range deps {
			c.Deps = append(c.Deps, d.Hash)
		}
		return c
	}
	a1 := mk("a1", "A", 1)
	d1 := mk("d1", "D", 1)
	b1 := mk("b1", "B", 1, a1, d1)
	a2 := mk("a2", "A", 2, b1)
	fork := mk("a2'", "A", 2, a1) // A's seq 2 again, not below a3
	a3 := mk("a3", "A", 3, a2)
	a4 := mk("a4", "A", 4, a3) // after the top: not covered by it
	c1 := mk("c1", "C", 1, a1)
	c2 := mk("c2", "C", 2, c1, a3) // C's top: covers c1 only
	d2 := mk("d2", "D", 2, a2)     // D's top, walked after A's: d1 lies behind what A's walk saw
	in := &incoming{changes: []*wire.Change{a1, d1, b1, a2, fork, a3, a4, c1, c2, d2}}
	in.covered = map[[32]byte][]byte{a3.Hash: []byte("signer A"), c2.Hash: []byte("signer C"), d2.Hash: []byte("signer D")}
	var open []*wire.Change
	for _, c := range in.changes {
		if _, ok := in.covered[c.Hash]; !ok {
			open = append(open, c)
		}
	}
	in.coverByDescent(open, in.changes)
	want := map[*wire.Change]string{a1: "signer A", a2: "signer A", a3: "signer A", c1: "signer C", c2: "signer C",
		d1: "signer D", d2: "signer D"}
	for _, c := range in.changes {
		got, ok := in.covered[c.Hash]
		if w, should := want[c]; should != ok || string(got) != w {
			t.Errorf("change %x (actor %s, seq %d): covered by %q (%v), want %q (%v)", c.Hash[:4], c.Actor, c.Seq, got, ok, w, should)
		}
	}
}
