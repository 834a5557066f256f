package bench

import (
	"testing"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// BenchmarkRawParts is the floor under a durable local edit: one automerge
// commit in this process plus one synchronous=FULL SQLite transaction
// storing the change, with no engine process, no checks and no attestation.
// node's BenchmarkLocalEdit does the same edit the way weft does.
func BenchmarkRawParts(b *testing.B) {
	crdt.Enable() // a benchmark process: weft itself only calls crdt in the engine
	id, err := seal.NewIdentity()
	if err != nil {
		b.Fatal(err)
	}
	space, ledger := model.NewID(), model.NewID()
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	doc, first, err := crdt.Create(model.Create{Type: model.Ledger, Space: space, Currency: "EUR"}, seal.NewActor(id.Public), at, "create")
	if err != nil {
		b.Fatal(err)
	}
	db := openStore(b)
	put := func(chunks [][]byte) {
		err := db.Update(b.Context(), func(tx *store.Tx) error {
			for _, raw := range chunks {
				c, err := wire.ParseChange(raw)
				if err != nil {
					return err
				}
				if _, err := tx.AddChange(store.Change{Doc: ledger, Hash: c.Hash, Actor: c.Actor, Seq: c.Seq,
					StartOp: c.StartOp, MaxOp: c.MaxOp(), Deps: c.Deps, Raw: raw}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	put(first)
	e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	for b.Loop() {
		e.ID = model.NewID()
		chunks, err := doc.Edit(model.Edit{AddEntry: &e}, at)
		if err != nil {
			b.Fatal(err)
		}
		put(chunks)
	}
}

func openStore(b *testing.B) *store.DB {
	b.Helper()
	db, err := store.Open(b.Context(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	keys, err := seal.NewKeys(seal.NewDataKey(), 1)
	if err != nil {
		b.Fatal(err)
	}
	db.Unlock(keys)
	return db
}
