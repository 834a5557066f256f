package store

import (
	"encoding/hex"
	"reflect"
	"testing"
)

// TestSpaceDigestTipsAgree: SpaceDigestTips returns SpaceVersionVectors'
// records and vectors, and for every document of the space without a cut
// each actor of its vector at the vector's seq with the hash HashAt reads
// there; the cut document and the other space's have no tips, nor has a
// document without changes.
func TestSpaceDigestTipsAgree(t *testing.T) {
	db := manyDocsFixture(t)
	view(t, db, func(tx *Tx) error {
		rows, vvs, tips, err := tx.SpaceDigestTips("S")
		if err != nil {
			return err
		}
		wantRows, wantVVs, err := tx.SpaceVersionVectors("S")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(rows, wantRows) || !reflect.DeepEqual(vvs, wantVVs) {
			t.Fatalf("records %v, vectors %v; SpaceVersionVectors %v, %v", rows, vvs, wantRows, wantVVs)
		}
		if len(tips) != 1 || len(tips["d1"]) != 2 {
			t.Fatalf("tips %v: want d1 alone (d2 has a cut, d3 no changes, x is of T), with 2 actors", tips)
		}
		for a, seq := range vvs["d1"] {
			actor, _ := hex.DecodeString(a)
			want, ok, err := tx.HashAt("d1", actor, seq)
			if err != nil || !ok {
				t.Fatalf("HashAt d1 %s %d: %v %v", a, seq, ok, err)
			}
			if got := tips["d1"][a]; got.Seq != seq || got.Hash != want {
				t.Errorf("d1 %s: tip %d %x, want %d %x", a, got.Seq, got.Hash, seq, want)
			}
		}
		if tips["d1"][hex.EncodeToString([]byte("A"))].Hash != h("1c") {
			t.Errorf("d1 A's tip is not its newest change 1c")
		}
		return nil
	})
}
