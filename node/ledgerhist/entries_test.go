package ledgerhist_test

import (
	"bytes"
	"fmt"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/node/ledgerhist"
)

// TestEntriesMatchesEngine: the entries Entries replays from a ledger's
// changes are what automerge-go reads from the document those changes
// make (the maps of its entries list, in order), over the simulated
// histories TestHistoryMatchesEngine uses: concurrent appends, deletions,
// edits of fields, text and counters.
func TestEntriesMatchesEngine(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		s := newSim(t, seed, 2+int(seed%3))
		for range 40 + int(seed%5)*20 {
			s.step()
		}
		chs := s.changes()
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			got, err := ledgerhist.Entries(chs)
			if err != nil {
				t.Fatal(err)
			}
			// Printed, not DeepEqual: the generator writes NaN, unequal to
			// itself; fmt prints maps with their keys sorted.
			if want := engineEntries(t, chs); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("entries differ:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// engineEntries loads chs with automerge-go and reads the entries list's maps.
func engineEntries(t *testing.T, chs [][]byte) []map[string]any {
	t.Helper()
	d := am.New()
	if err := d.LoadIncremental(bytes.Join(chs, nil)); err != nil {
		t.Fatal(err)
	}
	v, err := d.Path("entries").Get()
	if err != nil {
		t.Fatal(err)
	}
	if v.Kind() != am.KindList {
		return nil
	}
	var out []map[string]any
	for _, e := range v.Interface().([]any) {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
