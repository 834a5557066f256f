package store

import (
	"fmt"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// chain returns change i of one actor's linear history of doc.
func chain(doc string, i int) Change {
	c := Change{Doc: doc, Hash: h(fmt.Sprintf("%s/%d", doc, i)), Actor: []byte("actor-0123456789"),
		Seq: uint64(i + 1), StartOp: uint64(i*3 + 1), MaxOp: uint64(i*3 + 3), Raw: make([]byte, 200)}
	if i > 0 {
		c.Deps = [][32]byte{h(fmt.Sprintf("%s/%d", doc, i-1))}
	}
	return c
}

// BenchmarkAddChange commits one change per durable transaction.
func BenchmarkAddChange(b *testing.B) {
	db, _ := testDB(b)
	i := 0
	for b.Loop() {
		c := chain("d", i)
		if err := db.Update(b.Context(), func(tx *Tx) error { _, err := tx.AddChange(c); return err }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAddChangeBatch commits 100 changes per transaction (group
// commit); ns/op is per change.
func BenchmarkAddChangeBatch(b *testing.B) {
	db, _ := testDB(b)
	const batch = 100
	i := 0
	for b.Loop() {
		err := db.Update(b.Context(), func(tx *Tx) error {
			for range batch {
				if _, err := tx.AddChange(chain("d", i)); err != nil {
					return err
				}
				i++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i), "ns/change")
}

// BenchmarkOpen10kDocs opens a store of 10,000 documents (three changes
// each), unlocks it and runs VerifyAll, as a node does at start.
func BenchmarkOpen10kDocs(b *testing.B) {
	db, s := testDB(b)
	err := db.Update(b.Context(), func(tx *Tx) error {
		for d := range 10000 {
			doc := fmt.Sprintf("doc%05d", d)
			if err := tx.PutDoc(DocRow{ID: doc, Space: "s", Type: model.Ledger}); err != nil {
				return err
			}
			for i := range 3 {
				if _, err := tx.AddChange(chain(doc, i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	for b.Loop() {
		db, err := Open(b.Context(), db.Path())
		if err != nil {
			b.Fatal(err)
		}
		db.Unlock(s)
		if err := db.VerifyAll(b.Context()); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
