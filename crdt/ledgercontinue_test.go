package crdt_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestContinueLedger: a continued ledger refuses entries ("continued in
// NEW") and keeps a second marker beside the first; two continuations made concurrently on
// two copies both survive the merge (each is a key of its own), listed
// ascending in the view and the root view, and the ledger refuses entries
// with the lower ID named, in either merge order.
func TestContinueLedger(t *testing.T) {
	e := sampleEntry(5)
	t.Run("refuses entries, keeps a second marker", func(t *testing.T) {
		d, _ := newLedger(t)
		edit(t, d, model.Edit{ContinueLedger: &model.LedgerContinuation{To: id(7)}})
		if _, err := d.Edit(model.Edit{AddEntry: &e}, at); !errors.Is(err, crdt.ErrInvalid) || !strings.Contains(err.Error(), "continued in "+id(7)) {
			t.Fatalf("entry into a continued ledger: %v", err)
		}
		edit(t, d, model.Edit{ContinueLedger: &model.LedgerContinuation{To: id(8)}})
		if got, want := view(t, d).Ledger.ContinuedIn, []string{id(7), id(8)}; !reflect.DeepEqual(got, want) {
			t.Fatalf("continued in %v, want %v", got, want)
		}
	})
	t.Run("records an entry naming every marker as unfollowed", func(t *testing.T) {
		d, _ := newLedger(t)
		edit(t, d, model.Edit{ContinueLedger: &model.LedgerContinuation{To: id(7)}})
		edit(t, d, model.Edit{ContinueLedger: &model.LedgerContinuation{To: id(8)}})
		some := sampleEntry(6)
		some.Unfollowed = []string{id(7)}
		if _, err := d.Edit(model.Edit{AddEntry: &some}, at); !errors.Is(err, crdt.ErrInvalid) || !strings.Contains(err.Error(), "continued in "+id(8)) {
			t.Fatalf("entry naming one of two markers: %v, want refused naming %s", err, id(8))
		}
		all, many := e, sampleEntry(7)
		all.Unfollowed, many.Unfollowed = []string{id(7), id(8)}, []string{id(7), id(8)}
		edit(t, d, model.Edit{AddEntry: &all})
		if _, err := d.EditMany([]model.Edit{{AddEntry: &many}}, at); err != nil {
			t.Fatalf("entries (EditMany) naming every marker: %v", err)
		}
		ents := view(t, d).Ledger.Entries
		if n := len(ents); n < 2 || ents[n-2].ID != all.ID || ents[n-1].ID != many.ID || len(ents[n-2].Unfollowed) != 0 {
			t.Fatalf("entries %+v", ents)
		}
	})
	for _, order := range []string{"high first", "low first"} {
		t.Run("concurrent, "+order, func(t *testing.T) {
			d, history := newLedger(t)
			high := rawEdit(t, history, func(doc *am.Doc) error { return doc.Path("continued_in/" + id(9)).Set(id(9)) })
			low := rawEdit(t, history, func(doc *am.Doc) error { return doc.Path("continued_in/" + id(3)).Set(id(3)) })
			first, second := high, low
			if order == "low first" {
				first, second = low, high
			}
			for _, c := range [][][]byte{first, second} {
				if _, err := d.Apply(c); err != nil {
					t.Fatal(err)
				}
			}
			want := []string{id(3), id(9)}
			if got := view(t, d).Ledger.ContinuedIn; !reflect.DeepEqual(got, want) {
				t.Fatalf("view: continued in %v, want %v", got, want)
			}
			rv, err := d.RootView()
			if err != nil || !reflect.DeepEqual(rv.Ledger.ContinuedIn, want) || rv.Ledger.Entries != nil {
				t.Fatalf("root view %+v, %v", rv.Ledger, err)
			}
			if _, err := d.Edit(model.Edit{AddEntry: &e}, at); err == nil || !strings.Contains(err.Error(), "continued in "+id(3)) {
				t.Fatalf("entry: %v, want refused naming %s", err, id(3))
			}
		})
	}
}
