package crdt_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestCheckReloadCarriesOn: after CheckReload the Doc runs on the copy it
// loaded back: same heads and view, release called once between the save
// and the load, and later edits carry the same actor, seq following on,
// and load into a copy made from every chunk.
func TestCheckReloadCarriesOn(t *testing.T) {
	for _, snapshot := range []bool{false, true} {
		name := map[bool]string{false: "check", true: "snapshot"}[snapshot]
		t.Run(name, func(t *testing.T) {
			d, chunks := newDoc(t, model.Create{Type: model.Ledger, Currency: "EUR"})
			for i := range 5 {
				e := sampleEntry(i + 1)
				chunks = append(chunks, edit(t, d, model.Edit{AddEntry: &e})...)
			}
			before, heads := view(t, d), d.Heads()
			released := 0
			release := func() { released++ }
			if snapshot {
				data, covers, err := d.SnapshotReload(release)
				if err != nil {
					t.Fatal(err)
				}
				if len(covers) != len(chunks) {
					t.Fatalf("covers %d changes, want %d", len(covers), len(chunks))
				}
				if _, err := crdt.LoadSnapshot(data, covers, nil, actor(3)); err != nil {
					t.Fatalf("the snapshot does not load: %v", err)
				}
			} else if err := d.CheckReload(release); err != nil {
				t.Fatal(err)
			}
			if released != 1 {
				t.Fatalf("release called %d times, want 1", released)
			}
			if got := d.Heads(); !reflect.DeepEqual(got, heads) {
				t.Fatalf("heads %x after the reload, want %x", got, heads)
			}
			if got := view(t, d); !reflect.DeepEqual(got, before) {
				t.Fatalf("view after the reload:\n got %+v\nwant %+v", got, before)
			}
			// The entry index carries over: a reversal of an entry made
			// before the reload is checked against it.
			rev := sampleEntry(6)
			rev.Reverses = id(1)
			more := edit(t, d, model.Edit{AddEntry: &rev})
			if len(more) != 1 {
				t.Fatalf("%d chunks for one entry", len(more))
			}
			chunks = append(chunks, more...)
			raw := am.New()
			if err := raw.LoadIncremental(bytes.Join(chunks, nil)); err != nil || len(raw.Heads()) != 1 {
				t.Fatalf("load every chunk: %v", err)
			}
			ch, err := raw.Change(raw.Heads()[0])
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ch.ActorID(), hex.EncodeToString(actor(1)); got != want || ch.ActorSeq() != 7 {
				t.Fatalf("new change by %s seq %d, want %s seq 7", got, ch.ActorSeq(), want)
			}
			loaded, err := crdt.Load(chunks, actor(2))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := view(t, loaded), view(t, d); !reflect.DeepEqual(got, want) {
				t.Fatalf("a copy loaded from every chunk differs:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestReloadOfPoisonedDoc: a Doc that a failed write made unusable is
// not reloaded, and release is not called.
func TestReloadOfPoisonedDoc(t *testing.T) {
	d, _ := newDoc(t, model.Create{Type: model.Ledger, Currency: "EUR"})
	e := sampleEntry(1)
	edit(t, d, model.Edit{AddEntry: &e})
	// A change that depends on a change the Doc lacks poisons it.
	other, _, err := crdt.Create(model.Create{Type: model.Ledger, Space: space, Currency: "EUR"}, actor(9), at, "")
	if err != nil {
		t.Fatal(err)
	}
	edit(t, other, model.Edit{AddEntry: &e})
	e2 := sampleEntry(2)
	orphan := edit(t, other, model.Edit{AddEntry: &e2})
	if _, err := d.Apply(orphan); !errors.Is(err, crdt.ErrPoisoned) {
		t.Fatalf("apply of an orphan change: %v, want ErrPoisoned", err)
	}
	released := false
	if err := d.CheckReload(func() { released = true }); !errors.Is(err, crdt.ErrPoisoned) || released {
		t.Fatalf("reload of a poisoned Doc: %v, released %v; want ErrPoisoned, not released", err, released)
	}
}
