package crdt_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestLoadNew: LoadNew (decision 0034) gives what LoadRoot and
// CheckRoundTrip give for a document of one change and of several: the
// same root and heads, a document whose view is the same, whose saved form
// loads back, and whose next edit makes only its own change (the first
// SaveIncremental after the load is left to the check's Save).
func TestLoadNew(t *testing.T) {
	ev := sampleEvent(1)
	for _, c := range []struct {
		create model.Create
		edit   *model.Edit
	}{
		{create: model.Create{Type: model.Calendar, Name: "Assemblies"}},
		{create: model.Create{Type: model.Calendar, Name: "Assemblies"}, edit: &model.Edit{AddEvent: &ev}},
		{create: model.Create{Type: model.Case, Case: sampleCase()}},
		{create: model.Create{Type: model.Ledger, Currency: "EUR"}},
	} {
		t.Run(string(c.create.Type), func(t *testing.T) {
			src, history := newDoc(t, c.create)
			if c.edit != nil {
				history = append(history, edit(t, src, *c.edit)...)
			}
			old, oldRoot, err := crdt.LoadRoot(history, actor(2))
			if err != nil {
				t.Fatal(err)
			}
			if err := old.CheckRoundTrip(); err != nil {
				t.Fatal(err)
			}
			d, root, heads, err := crdt.LoadNew(history, actor(2))
			if err != nil {
				t.Fatalf("LoadNew: %v", err)
			}
			if root != oldRoot || root.Type != c.create.Type || root.Space != space {
				t.Errorf("root %+v, want %+v (a %s of space %s)", root, oldRoot, c.create.Type, space)
			}
			if !sameSet(heads, d.Heads()) || !sameSet(heads, src.Heads()) {
				t.Errorf("heads %x, want the document's %x and its source's %x", heads, d.Heads(), src.Heads())
			}
			got, want := view(t, d), view(t, old)
			if got.Type != want.Type || got.Space != want.Space || got.Schema != want.Schema ||
				(got.Calendar == nil) != (want.Calendar == nil) || (got.Calendar != nil && len(got.Calendar.Events) != len(want.Calendar.Events)) {
				t.Errorf("view %+v, want %+v", got, want)
			}
			if err := d.CheckRoundTrip(); err != nil {
				t.Errorf("round trip after LoadNew: %v", err)
			}

			// The next edit makes one change, which loads on top of the
			// history received.
			var e model.Edit
			switch c.create.Type {
			case model.Calendar:
				ev := sampleEvent(9)
				e.AddEvent = &ev
			case model.Case:
				s := "Tenants won again."
				e.PatchCase = &model.CasePatch{Lang: "en", Summary: &s}
			case model.Ledger:
				en := sampleEntry(9)
				e.AddEntry = &en
			}
			next := edit(t, d, e)
			if len(next) != 1 {
				t.Fatalf("the edit after LoadNew made %d chunks, want its one change", len(next))
			}
			if slices.ContainsFunc(history, func(h []byte) bool { return bytes.Equal(h, next[0]) }) {
				t.Fatal("the edit after LoadNew returned a change of the history received")
			}
			again, err := crdt.Load(append(slices.Clone(history), next...), actor(3))
			if err != nil {
				t.Fatalf("history and the edit's change: %v", err)
			}
			if !sameSet(again.Heads(), d.Heads()) {
				t.Errorf("heads after loading the edit %x, want %x", again.Heads(), d.Heads())
			}
		})
	}
}

// TestLoadNewRefuses: LoadNew refuses what LoadRoot refuses, with the same
// errors, and never reports a failed load as a failed round trip.
func TestLoadNewRefuses(t *testing.T) {
	_, history := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
	d, _ := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
	later := edit(t, d, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Region: ptr("Lyon")}})
	empty := am.New()
	if _, err := empty.Commit("nothing", am.CommitOptions{AllowEmpty: true}); err != nil {
		t.Fatal(err)
	}
	untyped, err := empty.Changes()
	if err != nil || len(untyped) != 1 {
		t.Fatalf("an empty change: %v", err)
	}
	for _, c := range []struct {
		name    string
		changes [][]byte
		actor   []byte
		want    error
	}{
		{"no changes", nil, actor(2), crdt.ErrRejected},
		{"not a change", [][]byte{[]byte("not a change")}, actor(2), crdt.ErrRejected},
		{"a dependency missing", later, actor(2), crdt.ErrRejected},
		{"no type in the root", [][]byte{untyped[0].Save()}, actor(2), crdt.ErrRejected},
		{"a short actor", history, actor(2)[:3], crdt.ErrActor},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, wantErr := crdt.LoadRoot(c.changes, c.actor)
			d, _, heads, err := crdt.LoadNew(c.changes, c.actor)
			if !errors.Is(err, c.want) || !errors.Is(wantErr, c.want) {
				t.Fatalf("LoadNew: %v; LoadRoot: %v; want both %v", err, wantErr, c.want)
			}
			if errors.Is(err, crdt.ErrRoundTrip) || d != nil || heads != nil {
				t.Errorf("LoadNew gave %v, %x, %v: want no document and no round trip", d, heads, err)
			}
		})
	}
}

func sameSet(a, b [][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for _, h := range a {
		if !slices.Contains(b, h) {
			return false
		}
	}
	return true
}

// BenchmarkLoadNew is BenchmarkNewSmallCase's root case (LoadRoot, then
// CheckRoundTrip, then the heads the engine answers with) against LoadNew,
// which does the same work in one call (decision 0034).
func BenchmarkLoadNew(b *testing.B) {
	_, history := newDoc(b, model.Create{Type: model.Case, Case: sampleCase()})
	b.Run("root-check-heads", func(b *testing.B) {
		for b.Loop() {
			d, _, err := crdt.LoadRoot(history, actor(2))
			if err != nil {
				b.Fatal(err)
			}
			if err := d.CheckRoundTrip(); err != nil {
				b.Fatal(err)
			}
			_ = d.Heads()
		}
	})
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := crdt.LoadNew(history, actor(2)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
