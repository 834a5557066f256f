package crdt_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"reflect"
	"slices"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

func TestLoadRefuses(t *testing.T) {
	_, history := newLedger(t)
	corrupt := slices.Clone(history[1])
	corrupt[len(corrupt)-1] ^= 0xff // checksum no longer matches
	noType := rawEdit(t, nil, func(doc *am.Doc) error { return doc.RootMap().Set("x", "y") })
	tests := []struct {
		name    string
		changes [][]byte
		actor   []byte
		want    error
	}{
		{"nothing", nil, actor(2), crdt.ErrRejected},
		{"garbage", [][]byte{[]byte("not a change at all")}, actor(2), crdt.ErrRejected},
		{"empty chunk", [][]byte{{}}, actor(2), crdt.ErrRejected},
		{"bad checksum", [][]byte{history[0], corrupt}, actor(2), crdt.ErrRejected},
		{"two chunks in one", [][]byte{bytes.Join(history, nil)}, actor(2), crdt.ErrRejected},
		{"missing dependency", history[1:], actor(2), crdt.ErrRejected},
		{"no document type", noType, actor(2), crdt.ErrRejected},
		{"empty actor", history, nil, crdt.ErrActor},
		{"short actor", history, []byte{1, 2}, crdt.ErrActor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := crdt.Load(tt.changes, tt.actor)
			if !errors.Is(err, tt.want) || d != nil {
				t.Errorf("got %v, %v; want %v", d, err, tt.want)
			}
		})
	}
}

func TestLoadAnyOrder(t *testing.T) {
	d, history := newLedger(t)
	history = append(history, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(2))})...)
	slices.Reverse(history)
	loaded, err := crdt.Load(history, actor(2))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(view(t, loaded), view(t, d)) {
		t.Error("reversed history loads differently")
	}
}

func TestApply(t *testing.T) {
	d, history := newLedger(t)
	other, err := crdt.Load(history, actor(2))
	if err != nil {
		t.Fatal(err)
	}
	chunks := edit(t, other, model.Edit{AddEntry: ptr(sampleEntry(2))})
	t.Run("garbage refused, doc usable", func(t *testing.T) {
		if _, err := d.Apply([][]byte{[]byte("junk")}); !errors.Is(err, crdt.ErrRejected) || d.Err() != nil {
			t.Fatalf("got %v, doc err %v", err, d.Err())
		}
	})
	t.Run("changes applied", func(t *testing.T) {
		heads, err := d.Apply(chunks)
		if err != nil || !reflect.DeepEqual(heads, other.Heads()) {
			t.Fatalf("heads %x, %v; want %x", heads, err, other.Heads())
		}
		if !reflect.DeepEqual(view(t, d), view(t, other)) {
			t.Error("views differ after apply")
		}
	})
	t.Run("missing dependency poisons", func(t *testing.T) {
		fresh, err := crdt.Load(history[:1], actor(3))
		if err != nil {
			t.Fatal(err)
		}
		_, err = fresh.Apply(chunks)
		if !errors.Is(err, crdt.ErrPoisoned) || !errors.Is(err, crdt.ErrRejected) {
			t.Fatalf("got %v, want ErrPoisoned and ErrRejected", err)
		}
		checkPoisoned(t, fresh)
	})
}

// TestApplyChecksEveryChunk: Apply finds each chunk in the document
// whether or not the heads show it at once: a batch that repeats a change
// the document holds (the heads then differ from the batch's) is applied;
// a batch of which one change applies and another waits for a dependency
// poisons the Doc, whichever order they come in.
func TestApplyChecksEveryChunk(t *testing.T) {
	d, history := newLedger(t)
	history = append(history, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(2))})...)
	history = append(history, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(3))})...)
	other, err := crdt.Load(history, actor(2))
	if err != nil {
		t.Fatal(err)
	}
	next := edit(t, other, model.Edit{AddEntry: ptr(sampleEntry(4))})
	after := edit(t, other, model.Edit{AddEntry: ptr(sampleEntry(5))})
	t.Run("a change held already", func(t *testing.T) {
		r, err := crdt.Load(history, actor(3))
		if err != nil {
			t.Fatal(err)
		}
		heads, err := r.Apply(append([][]byte{history[1]}, next...))
		if err != nil || !reflect.DeepEqual(heads, r.Heads()) || len(heads) != 1 || heads[0] != hashOf(next[0]) {
			t.Fatalf("heads %x, %v; want the new change", heads, err)
		}
	})
	for name, batch := range map[string][][]byte{
		"applied then waiting": {history[2], after[0]},
		"waiting then applied": {after[0], history[2]},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := crdt.Load(history[:2], actor(3))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Apply(batch); !errors.Is(err, crdt.ErrPoisoned) {
				t.Fatalf("got %v, want ErrPoisoned", err)
			}
		})
	}
}

// hashOf is a change chunk's hash.
func hashOf(chunk []byte) [32]byte { return sha256.Sum256(chunk[8:]) }

// checkPoisoned checks that a poisoned Doc refuses everything.
func checkPoisoned(t *testing.T, d *crdt.Doc) {
	t.Helper()
	if !errors.Is(d.Err(), crdt.ErrPoisoned) || d.Save() != nil || d.Heads() != nil {
		t.Error("poisoned doc still saves or has heads")
	}
	if _, err := d.Edit(model.Edit{AddEntry: ptr(sampleEntry(9))}, at); !errors.Is(err, crdt.ErrPoisoned) {
		t.Errorf("edit of poisoned doc: %v", err)
	}
	if _, err := d.View(); !errors.Is(err, crdt.ErrPoisoned) {
		t.Errorf("view of poisoned doc: %v", err)
	}
}

// TestEventsNotAMap refuses an event when another client made the events
// field something other than a map, before writing anything.
func TestEventsNotAMap(t *testing.T) {
	d, history := newDoc(t, model.Create{Type: model.Calendar, Name: "C"})
	raw := rawEdit(t, history, func(doc *am.Doc) error { return doc.RootMap().Set("events", "not a map") })
	if _, err := d.Apply(raw); err != nil {
		t.Fatal(err)
	}
	_, err := d.Edit(model.Edit{AddEvent: ptr(sampleEvent(1))}, at)
	var fe *crdt.FieldError
	if !asField(err, &fe) || d.Err() != nil {
		t.Fatalf("events not a map: got %v, want a refusal that leaves the doc usable", err)
	}
}

func TestCreateChunks(t *testing.T) {
	d, chunks := newDoc(t, model.Create{Type: model.Calendar, Name: "C"})
	if len(chunks) != 1 {
		t.Fatalf("%d chunks, want 1", len(chunks))
	}
	if got := changeMessage(t, d, chunks[0]); got != "create calendar" {
		t.Errorf("message %q", got)
	}
	doc, err := am.Load(d.Save())
	if err != nil {
		t.Fatal(err)
	}
	c, err := doc.Change(d.Heads()[0])
	if err != nil {
		t.Fatal(err)
	}
	if !c.Timestamp().Equal(at) || c.ActorID() != "01010101010101010101010101010101" {
		t.Errorf("change time %v actor %s", c.Timestamp(), c.ActorID())
	}
}
