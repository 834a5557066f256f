package node

import (
	"maps"
	"testing"
)

// TestYoungDocs: the documents keepSnapshots does not ask the store about
// are exactly the new documents stored unchecked whose changes, all stored
// by the transaction, are fewer than snapshotEvery; a document the
// transaction stored into without having created it is asked about.
func TestYoungDocs(t *testing.T) {
	tx := &writeTx{
		unchecked: []uncheckedNew{{doc: "small"}, {doc: "two-parts"}, {doc: "large"}},
		stored: []storedNote{
			{doc: "small", n: 3},
			{doc: "two-parts", n: snapshotEvery - 1}, {doc: "two-parts", n: 1},
			{doc: "large", n: snapshotEvery},
			{doc: "held", n: 1},
		},
	}
	got := tx.youngDocs()
	if want := map[string]bool{"small": true}; !maps.Equal(got, want) {
		t.Fatalf("young documents %v, want %v", got, want)
	}
	if young := (&writeTx{stored: []storedNote{{doc: "held", n: 1}}}).youngDocs(); young != nil {
		t.Fatalf("nothing stored unchecked: young documents %v, want none", young)
	}
}
