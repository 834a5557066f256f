package store

import (
	"fmt"
	"strings"
	"testing"
)

// interleaved is n changes of doc by one actor, each depending on the one
// before; other, when not "", interleaves every change of doc with
// between changes of its own chain.
func interleaved(doc, other string, n, between int) []Change {
	var out []Change
	prev, prevOther := "", ""
	seqOther := uint64(0)
	for i := 1; i <= n; i++ {
		label := fmt.Sprintf("%s-%d", doc, i)
		var deps []string
		if prev != "" {
			deps = []string{prev}
		}
		out = append(out, ch(doc, label, "A", uint64(i), uint64(i), 1, deps...))
		prev = label
		for range between {
			seqOther++
			lo := fmt.Sprintf("%s-%d", other, seqOther)
			var od []string
			if prevOther != "" {
				od = []string{prevOther}
			}
			out = append(out, ch(other, lo, "B", seqOther, seqOther, 1, od...))
			prevOther = lo
		}
	}
	return out
}

// TestEachChangeDenseAndSparse: EachChange hands a document's changes in
// stored order, as Changes does, whether its rows lie close together in
// the table (read by a range of n, without a sort: the plan SQLite makes
// has no temporary B-tree) or far apart among another document's (read by
// the doc index and sorted), and hands nothing for a document with no
// changes.
func TestEachChangeDenseAndSparse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		between int
		ranged  bool
	}{
		{"alone", 0, true},
		{"one other change between each", 1, true},
		{"ten other changes between each", 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := testDB(t)
			addChanges(t, db, ch("first", "f1", "C", 1, 1, 1)) // n does not start at 1
			addChanges(t, db, interleaved("d", "o", 50, tc.between)...)
			view(t, db, func(tx *Tx) error {
				got, want := eachAndChanges(t, tx, "d", 50)
				for i := range got {
					if got[i].Hash != want[i].Hash || got[i].Doc != "d" || got[i].Seq != uint64(i+1) {
						t.Fatalf("change %d: seq %d of %q, want seq %d of d, as Changes", i, got[i].Seq, got[i].Doc, i+1)
					}
				}
				q, args, err := tx.eachChangeQuery(tx.index("d"))
				if err != nil {
					return err
				}
				if ranged := strings.Contains(q, "BETWEEN"); ranged != tc.ranged {
					t.Fatalf("query %q: ranged %v, want %v", q, ranged, tc.ranged)
				}
				plan := explain(t, tx, q, args)
				if sorted := strings.Contains(plan, "TEMP B-TREE"); sorted == tc.ranged {
					t.Fatalf("plan of %q: %s; want a sort only when not ranged", q, plan)
				}
				n := 0
				if err := tx.EachChange("none", func(Change) error { n++; return nil }); err != nil || n != 0 {
					t.Fatalf("a document with no changes: %d handed, %v", n, err)
				}
				return nil
			})
		})
	}
}

// explain returns SQLite's query plan of query, its details joined.
func explain(t *testing.T, tx *Tx, query string, args []any) string {
	t.Helper()
	var parts []string
	err := tx.each("EXPLAIN QUERY PLAN "+query, args, func(scan func(...any) error) error {
		var id, parent, unused int
		var detail string
		if err := scan(&id, &parent, &unused, &detail); err != nil {
			return err
		}
		parts = append(parts, detail)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(parts, "; ")
}

// TestAttestationRefsFirstStored: the ref of a change attested twice
// names the attestation stored first, though the rows come in the order
// of the doc index (by signer), which puts the later one first.
func TestAttestationRefsFirstStored(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		if _, err := tx.AddChange(ch("d", "a1", "A", 1, 1, 1)); err != nil {
			return err
		}
		for _, a := range []AttestationRow{att(1, "a1", "N", "first"), att(1, "a1", "M", "second")} {
			if _, err := tx.AddAttestation(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		refs, err := tx.AttestationRefs("d")
		if err != nil {
			return err
		}
		r, ok := tx.AttestationRef(refs, h("a1"))
		if !ok {
			t.Fatal("no ref of an attested change")
		}
		a, err := tx.AttestationAt("d", r, h("a1"))
		if err != nil || string(a.Blob) != "first" {
			t.Fatalf("the ref names %q, %v; want the attestation stored first", a.Blob, err)
		}
		// EachChangeIndexed hands each change's hash index, by which At
		// finds the same ref.
		n := 0
		err = tx.EachChangeIndexed("d", func(c Change, idx []byte) error {
			n++
			if string(idx) != string(tx.hashIndex(c.Hash)) {
				t.Fatalf("%x handed with index %x, want %x", c.Hash, idx, tx.hashIndex(c.Hash))
			}
			if got, ok := refs.At(idx); !ok || got != r {
				t.Fatalf("At(index of a1) = %d, %v; want %d", got, ok, r)
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Fatalf("EachChangeIndexed handed %d changes, %v; want 1", n, err)
		}
		return nil
	})
}
