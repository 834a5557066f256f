package crdt_test

import (
	"errors"
	"reflect"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestApplyCountedLikeTheWrapper: received changes applied in one cgo
// call (amraw, decision 0037) leave the document as automerge-go's
// wrapper does (same heads, same view), the call counts the operations
// they added (three map keys set: 3; a change held already: 0), and a
// change whose dependency is missing still poisons the Doc, either way.
func TestApplyCountedLikeTheWrapper(t *testing.T) {
	_, history := newLedger(t)
	three := rawEdit(t, history, func(doc *am.Doc) error {
		for _, k := range []string{"x1", "x2", "x3"} {
			if err := doc.RootMap().Set(k, int64(len(k))); err != nil {
				return err
			}
		}
		return nil
	})
	other, err := crdt.Load(history, actor(2))
	if err != nil {
		t.Fatal(err)
	}
	entries := edit(t, other, model.Edit{AddEntry: ptr(sampleEntry(2))})
	for _, mode := range []string{"amraw", "wrapper"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "wrapper" {
				crdt.WithoutRawApply(t)
			}
			d, err := crdt.Load(history, actor(3))
			if err != nil {
				t.Fatal(err)
			}
			heads, ops, err := d.ApplyCounted(three)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]int64{"amraw": 3, "wrapper": -1}[mode]; ops != want {
				t.Fatalf("%d operations counted, want %d", ops, want)
			}
			if _, ops, err = d.ApplyCounted(three); err != nil || ops != map[string]int64{"amraw": 0, "wrapper": -1}[mode] {
				t.Fatalf("the same change again: %d operations, %v; want none (amraw) or not known (wrapper)", ops, err)
			}
			if heads2, err := d.Apply(entries); err != nil || len(heads2) != 2 || reflect.DeepEqual(heads2, heads) {
				t.Fatalf("heads %x, %v; want the two concurrent changes", heads2, err)
			}
			if !reflect.DeepEqual(d.Heads(), sortedHeads(t, append(append(append([][]byte(nil), history...), three...), entries...))) {
				t.Fatal("heads differ from those of a document loaded from every change")
			}
			if v := view(t, d); len(v.Ledger.Entries) != 2 {
				t.Fatalf("%d entries after the apply, want 2", len(v.Ledger.Entries))
			}
			fresh, err := crdt.Load(history[:1], actor(4))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := fresh.ApplyCounted(entries); !errors.Is(err, crdt.ErrPoisoned) || !errors.Is(err, crdt.ErrRejected) {
				t.Fatalf("a missing dependency: %v, want ErrPoisoned and ErrRejected", err)
			}
			checkPoisoned(t, fresh)
		})
	}
}

// sortedHeads is the heads of a document loaded from chunks.
func sortedHeads(t *testing.T, chunks [][]byte) [][32]byte {
	t.Helper()
	d, err := crdt.Load(chunks, actor(5))
	if err != nil {
		t.Fatal(err)
	}
	return d.Heads()
}
