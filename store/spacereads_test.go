package store

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// manyDocsFixture stores space S's documents d1 (two actors), d2 (actor C
// cut at seq 1, so its second change and the change of D that depends on
// it are left out), d3 (no changes), and doc x of space T, with
// attestations for d1 and d2.
func manyDocsFixture(t *testing.T) *DB {
	t.Helper()
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, d := range []DocRow{
			{ID: "d1", Space: "S", Type: model.Case, Created: 1},
			{ID: "d2", Space: "S", Type: model.Ledger, Created: 1},
			{ID: "d3", Space: "S", Type: model.Case, Created: 1},
			{ID: "x", Space: "T", Type: model.Case, Created: 1},
		} {
			if err := tx.PutDoc(d); err != nil {
				return err
			}
		}
		for _, c := range []Change{
			ch("d1", "1a", "A", 1, 1, 2),
			ch("x", "x1", "A", 1, 1, 1),
			ch("d1", "1b", "B", 1, 3, 1, "1a"),
			ch("d2", "2a", "C", 1, 1, 1),
			ch("d1", "1c", "A", 2, 4, 1, "1b"),
			ch("d2", "2b", "C", 2, 2, 1, "2a"),
			ch("d2", "2c", "D", 1, 3, 1, "2b"),
		} {
			if _, err := tx.AddChange(c); err != nil {
				return fmt.Errorf("add %s: %w", c.Message, err)
			}
		}
		for _, a := range []AttestationRow{
			{Doc: "d1", Space: "S", Actor: []byte("A"), Seq: 2, Hash: h("1c"), Signer: []byte("sa"), Blob: []byte("att 1c")},
			{Doc: "d2", Space: "S", Actor: []byte("C"), Seq: 1, Hash: h("2a"), Signer: []byte("sc"), Blob: []byte("att 2a")},
			{Doc: "x", Space: "T", Actor: []byte("A"), Seq: 1, Hash: h("x1"), Signer: []byte("sa"), Blob: []byte("att x1")},
		} {
			if _, err := tx.AddAttestation(a); err != nil {
				return err
			}
		}
		return tx.PutCut("d2", []byte("C"), 1)
	})
	return db
}

// TestSpaceVersionVectorsAgreeWithVersionVector: the one-query vectors of
// a space are those VersionVector reads document by document, a cut
// document's included, and no other space's document is among them.
func TestSpaceVersionVectorsAgreeWithVersionVector(t *testing.T) {
	db := manyDocsFixture(t)
	view(t, db, func(tx *Tx) error {
		rows, vvs, err := tx.SpaceVersionVectors("S")
		if err != nil {
			return err
		}
		if len(rows) != 3 || len(vvs) != 3 || rows["d2"].Type != model.Ledger {
			t.Fatalf("rows %v, vectors %v; want d1, d2, d3 of S", rows, vvs)
		}
		for _, id := range []string{"d1", "d2", "d3"} {
			want, err := tx.VersionVector(id)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(vvs[id], want) {
				t.Errorf("%s: space vector %v, VersionVector %v", id, vvs[id], want)
			}
		}
		if len(vvs["d2"]) != 1 || len(vvs["d1"]) != 2 || vvs["d3"] == nil || len(vvs["d3"]) != 0 {
			t.Fatalf("vectors %v: want d1 with 2 actors, d2 with C alone (cut), d3 empty", vvs)
		}
		return nil
	})
}

// TestManyChangesAgreesWithChanges: ManyChanges returns for each document
// of the space what Changes and Attestations return for it (the cut's
// changes left out), and leaves out documents of another space or not
// stored.
func TestManyChangesAgreesWithChanges(t *testing.T) {
	db := manyDocsFixture(t)
	view(t, db, func(tx *Tx) error {
		got, err := tx.ManyChanges("S", []string{"d2", "x", "nope", "d1", "d3"})
		if err != nil {
			return err
		}
		if len(got) != 3 || got["x"] != nil || got["nope"] != nil {
			t.Fatalf("documents %v: want d1, d2, d3 only", manyKeys(got))
		}
		for _, id := range []string{"d1", "d2", "d3"} {
			cs, err := tx.Changes(id)
			if err != nil {
				return err
			}
			as, err := tx.Attestations(id)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got[id].Changes, cs) || !reflect.DeepEqual(got[id].Attestations, as) {
				t.Errorf("%s: many %+v, one by one %+v / %+v", id, got[id], cs, as)
			}
		}
		if len(got["d2"].Changes) != 1 || len(got["d1"].Changes) != 3 || len(got["d1"].Attestations) != 1 {
			t.Fatalf("d1 %d changes, d2 %d: want 3 and 1 (cut)", len(got["d1"].Changes), len(got["d2"].Changes))
		}
		many := make([]string, MaxManyDocs+1)
		if _, err := tx.ManyChanges("S", many); err == nil {
			t.Fatal("ManyChanges took more than MaxManyDocs documents")
		}
		return nil
	})
}

// TestDocsAmong: the stored records among IDs, keyed by ID.
func TestDocsAmong(t *testing.T) {
	db := manyDocsFixture(t)
	view(t, db, func(tx *Tx) error {
		got, err := tx.DocsAmong([]string{"x", "d3", "nope"})
		if err != nil {
			return err
		}
		want, _ := tx.Doc("x")
		if len(got) != 2 || !reflect.DeepEqual(got["x"], want) || got["d3"].Space != "S" {
			t.Fatalf("docs among = %+v", got)
		}
		return nil
	})
}

func manyKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestManyChangesWithinBound: a read bounded by bytes answers as
// ManyChanges does while the documents' change and attestation rows fit
// the bound, and fails with ErrOverBytes once they pass it, attestations
// counted.
func TestManyChangesWithinBound(t *testing.T) {
	db := manyDocsFixture(t)
	update(t, db, func(tx *Tx) error { // an attestation larger than every change row together
		_, err := tx.AddAttestation(AttestationRow{Doc: "d1", Space: "S", Actor: []byte("B"), Seq: 1, Hash: h("1b"),
			Signer: []byte("sb"), Blob: bytes.Repeat([]byte("b"), 8192)})
		return err
	})
	view(t, db, func(tx *Tx) error {
		docs := []string{"d1", "d2", "d3"}
		whole, err := tx.ManyChanges("S", docs)
		if err != nil {
			return err
		}
		got, err := tx.ManyChangesWithin("S", docs, 64<<10)
		if err != nil || !reflect.DeepEqual(got, whole) {
			t.Fatalf("within 64 KiB: %v, equal to ManyChanges: %v", err, reflect.DeepEqual(got, whole))
		}
		for _, bound := range []int64{8192, 100} { // 8192: the change rows fit, the attestations do not
			if _, err := tx.ManyChangesWithin("S", docs, bound); !errors.Is(err, ErrOverBytes) {
				t.Fatalf("within %d bytes: %v, want ErrOverBytes", bound, err)
			}
		}
		return nil
	})
}
