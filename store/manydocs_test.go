package store

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// TestManyDocs checks the reads for many documents against their
// per-document counterparts, document by document: documents with
// several actors, none, a cut (whose left-out changes neither read may
// give), attestations, another space's document, an unknown ID, and more
// documents than one query names.
func TestManyDocs(t *testing.T) {
	db, _ := testDB(t)
	var ids []string
	update(t, db, func(tx *Tx) error {
		put := func(id, space string) error {
			ids = append(ids, id)
			return tx.PutDoc(DocRow{ID: id, Space: space, Type: model.Ledger})
		}
		add := func(cs ...Change) error {
			for _, c := range cs {
				if _, err := tx.AddChange(c); err != nil {
					return err
				}
			}
			return nil
		}
		for _, id := range []string{"two", "empty", "cut", "one"} {
			if err := put(id, "s"); err != nil {
				return err
			}
		}
		if err := put("elsewhere", "t"); err != nil {
			return err
		}
		err := add(ch("two", "t-a1", "A", 1, 1, 1), ch("two", "t-b1", "B", 1, 2, 1, "t-a1"),
			ch("two", "t-a2", "A", 2, 3, 1, "t-b1"),
			ch("cut", "c-a1", "A", 1, 1, 1), ch("cut", "c-b1", "B", 1, 2, 1, "c-a1"),
			ch("cut", "c-b2", "B", 2, 3, 1, "c-b1"), ch("cut", "c-a2", "A", 2, 4, 1, "c-b2"),
			ch("cut", "c-c1", "C", 1, 3, 1, "c-b1"),
			ch("one", "o-a1", "A", 1, 1, 1), ch("elsewhere", "e-a1", "A", 1, 1, 1))
		if err != nil {
			return err
		}
		if err := tx.PutCut("cut", []byte("B"), 1); err != nil { // leaves out c-b2 and c-a2
			return err
		}
		for _, a := range []AttestationRow{
			{Doc: "two", Space: "s", Actor: []byte("A"), Seq: 2, Hash: h("t-a2"), Signer: []byte("M"), Blob: []byte("x")},
			{Doc: "two", Space: "s", Actor: []byte("B"), Seq: 1, Hash: h("t-b1"), Signer: []byte("N"), Blob: []byte("y")},
			{Doc: "one", Space: "s", Actor: []byte("A"), Seq: 1, Hash: h("o-a1"), Signer: []byte("M"), Blob: []byte("z")},
		} {
			if _, err := tx.AddAttestation(a); err != nil {
				return err
			}
		}
		for i := range maxInList + 10 { // more than one query's worth
			id := fmt.Sprintf("many%03d", i)
			if err := put(id, "s"); err != nil {
				return err
			}
			if err := add(ch(id, id+"/1", "A", 1, 1, 1)); err != nil {
				return err
			}
		}
		return nil
	})
	ids = append(ids, "unknown")
	view(t, db, func(tx *Tx) error {
		versions, err := tx.SpaceVersions("s")
		if err != nil {
			return err
		}
		docs, err := tx.Docs("s")
		if err != nil {
			return err
		}
		if len(versions) != len(docs) || len(docs) != 4+maxInList+10 {
			t.Fatalf("%d versions, %d documents in the space", len(versions), len(docs))
		}
		for i, v := range versions {
			want, err := tx.VersionVector(docs[i].ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(v.Doc, docs[i]) || !reflect.DeepEqual(v.VV, want) {
				t.Errorf("%s: %+v %v, want %+v %v", docs[i].ID, v.Doc, v.VV, docs[i], want)
			}
		}
		for _, v := range versions {
			if vv := v.VV; v.Doc.ID == "cut" && (vv["41"] != 1 || vv["42"] != 1 || vv["43"] != 1) {
				t.Errorf("the cut document's vector %v does not leave out what the cut does", vv)
			}
		}
		changes, err := tx.ChangesOfDocs(ids)
		if err != nil {
			return err
		}
		atts, err := tx.AttestationsOfDocs(ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			want, err := tx.Changes(id)
			if err != nil {
				return err
			}
			if got := changes[id]; len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("%s: changes %d, want %d", id, len(got), len(want))
			}
			wantAtts, err := tx.Attestations(id)
			if err != nil {
				return err
			}
			if got := atts[id]; len(got) != len(wantAtts) || (len(wantAtts) > 0 && !reflect.DeepEqual(got, wantAtts)) {
				t.Errorf("%s: attestations %v, want %v", id, got, wantAtts)
			}
		}
		if len(changes["cut"]) != 3 || len(changes["two"]) != 3 || len(atts["two"]) != 2 || len(changes) != 4+maxInList+10 {
			t.Errorf("cut %d, two %d changes, two %d attestations, %d documents with changes",
				len(changes["cut"]), len(changes["two"]), len(atts["two"]), len(changes))
		}
		return nil
	})
}
