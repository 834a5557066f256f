package crdt_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestReloadKeepsLedgerIndex: a round trip (SnapshotReload, CheckReload)
// of a ledger whose index is current keeps the index instead of reading
// every entry again (decision 0047), and the kept index still refuses
// what the ledger refuses: an ID it holds, a second reversal of an entry
// made before the reload. New entries go into the loaded copy, by amraw
// and by the wrapper's path (which appends to the list the index holds),
// and a copy loaded from every chunk has the same view. After changes
// from elsewhere the index is stale: it is not kept, and read again.
func TestReloadKeepsLedgerIndex(t *testing.T) {
	for _, raw := range []bool{true, false} {
		for _, snapshot := range []bool{true, false} {
			t.Run(map[bool]string{true: "amraw", false: "wrapper"}[raw]+"/"+map[bool]string{true: "snapshot", false: "check"}[snapshot], func(t *testing.T) {
				if !raw {
					crdt.WithoutRaw(t)
				}
				d, chunks := newDoc(t, model.Create{Type: model.Ledger, Currency: "EUR"})
				for i := range 5 {
					e := sampleEntry(i + 1)
					chunks = append(chunks, edit(t, d, model.Edit{AddEntry: &e})...)
				}
				round := func() {
					t.Helper()
					var err error
					if snapshot {
						_, _, err = d.SnapshotReload(nil)
					} else {
						err = d.CheckReload(nil)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				round()
				reads := crdt.IndexReads()
				dup := sampleEntry(3)
				if _, err := d.Edit(model.Edit{AddEntry: &dup}, at); !errors.Is(err, crdt.ErrInvalid) {
					t.Fatalf("an ID the ledger holds after the reload: %v, want ErrInvalid", err)
				}
				rev := sampleEntry(6)
				rev.Reverses = id(2)
				chunks = append(chunks, edit(t, d, model.Edit{AddEntry: &rev})...)
				round() // again, with the entry added since
				again := sampleEntry(7)
				again.Reverses = id(2)
				if _, err := d.Edit(model.Edit{AddEntry: &again}, at); !errors.Is(err, crdt.ErrInvalid) {
					t.Fatalf("a second reversal after the reload: %v, want ErrInvalid", err)
				}
				more := []model.Edit{{AddEntry: ptr(sampleEntry(8))}, {AddEntry: ptr(sampleEntry(9))}}
				made, err := d.EditMany(more, at)
				if err != nil || len(made) != 2 {
					t.Fatalf("EditMany after the reload: %d chunks, %v", len(made), err)
				}
				chunks = append(chunks, made...)
				if got := crdt.IndexReads() - reads; got != 0 {
					t.Fatalf("the index was read %d times after the reloads, want 0", got)
				}
				v := view(t, d)
				if len(v.Ledger.Entries) != 8 {
					t.Fatalf("%d entries, want 8", len(v.Ledger.Entries))
				}
				loaded, err := crdt.Load(chunks, actor(2))
				if err != nil {
					t.Fatal(err)
				}
				if got := view(t, loaded); !reflect.DeepEqual(got, v) {
					t.Fatalf("a copy loaded from every chunk differs:\n got %+v\nwant %+v", got, v)
				}

				// A change from elsewhere: the index no longer matches
				// the heads, is not kept, and is read again.
				other := sampleEntry(10)
				theirs := edit(t, loaded, model.Edit{AddEntry: &other})
				if _, err := d.Apply(theirs); err != nil {
					t.Fatal(err)
				}
				round()
				reads = crdt.IndexReads()
				dup = sampleEntry(10)
				if _, err := d.Edit(model.Edit{AddEntry: &dup}, at); !errors.Is(err, crdt.ErrInvalid) {
					t.Fatalf("an ID another copy added: %v, want ErrInvalid", err)
				}
				if got := crdt.IndexReads() - reads; got != 1 {
					t.Fatalf("the index was read %d times after changes from elsewhere, want 1", got)
				}
			})
		}
	}
}
