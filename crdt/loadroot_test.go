package crdt_test

import (
	"errors"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestLoadRoot: LoadRoot loads what Load loads and says of each type what
// its view says (type, space, schema, a calendar's name); it refuses what
// Load refuses.
func TestLoadRoot(t *testing.T) {
	for _, c := range []model.Create{
		{Type: model.Calendar, Name: "Assemblies"},
		{Type: model.Case, Case: sampleCase()},
		{Type: model.Ledger, Currency: "EUR"},
	} {
		t.Run(string(c.Type), func(t *testing.T) {
			_, history := newDoc(t, c)
			d, root, err := crdt.LoadRoot(history, actor(2))
			if err != nil {
				t.Fatal(err)
			}
			v := view(t, d)
			want := model.Root{Type: v.Type, Space: v.Space, Schema: v.Schema}
			if v.Calendar != nil {
				want.Name = v.Calendar.Name
			}
			if root != want || root.Type != c.Type || root.Space != space || root.Schema == 0 {
				t.Errorf("root %+v, want %+v (a %s of space %s, schema set)", root, want, c.Type, space)
			}
			if c.Type == model.Calendar && root.Name != "Assemblies" {
				t.Errorf("calendar name %q, want Assemblies", root.Name)
			}
			if err := d.CheckRoundTrip(); err != nil {
				t.Errorf("round trip: %v", err)
			}
		})
	}
	if _, _, err := crdt.LoadRoot([][]byte{[]byte("not a change")}, actor(2)); !errors.Is(err, crdt.ErrRejected) {
		t.Errorf("garbage: %v, want ErrRejected", err)
	}
}

// BenchmarkNewSmallCase is the engine's work on a small case study new to
// a node (benchmark (a)): loaded from its one change, its round trip
// checked, and then its whole view read (view, as apply_many did before
// decision 0031) or only its root, read in the load's pass (root).
func BenchmarkNewSmallCase(b *testing.B) {
	_, history := newDoc(b, model.Create{Type: model.Case, Case: sampleCase()})
	b.Run("view", func(b *testing.B) {
		for b.Loop() {
			d, err := crdt.Load(history, actor(2))
			if err != nil {
				b.Fatal(err)
			}
			if err := d.CheckRoundTrip(); err != nil {
				b.Fatal(err)
			}
			if _, err := d.View(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("root", func(b *testing.B) {
		for b.Loop() {
			d, _, err := crdt.LoadRoot(history, actor(2))
			if err != nil {
				b.Fatal(err)
			}
			if err := d.CheckRoundTrip(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
