package store

import (
	"errors"
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

func TestSpacesAndEpochKeys(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, err := range []error{
			tx.PutSpace("s1", []byte("one")), tx.PutSpace("s2", []byte("two")), tx.PutSpace("s1", []byte("uno")),
			tx.PutEpochKey("s1", "e1", []byte("k1")), tx.PutEpochKey("s1", "e2", []byte("k2")),
			tx.PutEpochKey("s2", "e9", []byte("k9")),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		b, err := tx.Space("s1")
		if err != nil || string(b) != "uno" {
			t.Fatalf("space %q %v", b, err)
		}
		if _, err := tx.Space("s3"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing space: %v", err)
		}
		all, err := tx.Spaces()
		if err != nil || len(all) != 2 {
			t.Fatalf("spaces %v %v", all, err)
		}
		keys, err := tx.EpochKeys("s1")
		if err != nil || len(keys) != 2 || keys[0].Epoch != "e1" || string(keys[1].Key) != "k2" {
			t.Fatalf("epoch keys %+v %v", keys, err)
		}
		return nil
	})
}

func TestDocs(t *testing.T) {
	db, _ := testDB(t)
	d := DocRow{ID: "d1", Space: "s", Type: model.Calendar, Created: 7, Meta: []byte("m")}
	update(t, db, func(tx *Tx) error {
		if err := tx.PutDoc(d); err != nil {
			return err
		}
		if err := tx.PutDoc(DocRow{ID: "d2", Space: "s", Type: model.Ledger}); err != nil {
			return err
		}
		return tx.PutDoc(DocRow{ID: "d3", Space: "other", Type: model.Case})
	})
	conflicts := map[string]DocRow{
		"type":  {ID: "d1", Space: "s", Type: model.Ledger},
		"space": {ID: "d1", Space: "other", Type: model.Calendar},
	}
	for name, c := range conflicts {
		t.Run(name, func(t *testing.T) {
			err := db.Update(t.Context(), func(tx *Tx) error { return tx.PutDoc(c) })
			var r *RefusedError
			if !errors.As(err, &r) || r.Reason != ReasonDocConflict {
				t.Fatalf("err %v", err)
			}
		})
	}
	view(t, db, func(tx *Tx) error {
		got, err := tx.Doc("d1")
		if err != nil || got.Type != model.Calendar || got.Created != 7 || string(got.Meta) != "m" {
			t.Fatalf("doc %+v %v", got, err)
		}
		docs, err := tx.Docs("s")
		if err != nil || len(docs) != 2 {
			t.Fatalf("docs %+v %v", docs, err)
		}
		return nil
	})
}

func TestIdentity(t *testing.T) {
	db, _ := testDB(t)
	view(t, db, func(tx *Tx) error {
		if _, err := tx.Identity(); !errors.Is(err, ErrNotFound) {
			t.Fatalf("identity before put: %v", err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { return tx.PutIdentity([]byte("key")) })
	view(t, db, func(tx *Tx) error {
		b, err := tx.Identity()
		if err != nil || string(b) != "key" {
			t.Fatalf("identity %q %v", b, err)
		}
		return nil
	})
}

func TestSnapshots(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for i, covers := range [][][32]byte{{h("a")}, {h("b"), h("a")}, {h("a"), h("b"), h("c")}} {
			if err := tx.PutSnapshot("d", covers, []byte{byte(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		covers, data, ok, err := tx.Snapshot("d")
		want := [][32]byte{h("a"), h("b"), h("c")}
		slices.SortFunc(want, func(x, y [32]byte) int { return slices.Compare(x[:], y[:]) })
		if err != nil || !ok || data[0] != 2 || !slices.Equal(covers, want) {
			t.Fatalf("snapshot %v %v %v %v", covers, data, ok, err)
		}
		var n int
		if err := tx.one("SELECT count(*) FROM snapshots", nil, &n); err != nil || n != keepSnapshots {
			t.Fatalf("%d snapshots kept (%v), want %d", n, err, keepSnapshots)
		}
		_, _, ok, err = tx.Snapshot("none")
		if err != nil || ok {
			t.Fatalf("snapshot of an unknown doc: %v %v", ok, err)
		}
		return nil
	})
	// The same set in another order replaces, and becomes the newest.
	update(t, db, func(tx *Tx) error { return tx.PutSnapshot("d", [][32]byte{h("b"), h("a")}, []byte{9}) })
	view(t, db, func(tx *Tx) error {
		covers, data, _, err := tx.Snapshot("d")
		if err != nil || data[0] != 9 || len(covers) != 2 {
			t.Fatalf("snapshot %v %v %v", covers, data, err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { return tx.DropSnapshots("d") })
	view(t, db, func(tx *Tx) error {
		if _, _, ok, err := tx.Snapshot("d"); ok || err != nil {
			t.Fatalf("snapshot after drop: %v %v", ok, err)
		}
		return nil
	})
}

func TestLeases(t *testing.T) {
	db, s := testDB(t)
	lease := func() ([]byte, bool) {
		var a []byte
		var ok bool
		view(t, db, func(tx *Tx) (err error) { a, ok, err = tx.Lease("d"); return err })
		return a, ok
	}
	if _, ok := lease(); ok {
		t.Fatal("lease before any")
	}
	update(t, db, func(tx *Tx) error { return tx.LeaseActor("d", []byte("A1")) })
	if a, ok := lease(); !ok || string(a) != "A1" {
		t.Fatalf("lease %q %v", a, ok)
	}
	update(t, db, func(tx *Tx) error { return tx.LeaseActor("d", []byte("A2")) })
	if a, ok := lease(); !ok || string(a) != "A2" {
		t.Fatalf("lease %q %v", a, ok)
	}
	update(t, db, func(tx *Tx) error { return tx.AbandonLease("d") })
	if _, ok := lease(); ok {
		t.Fatal("lease after abandon")
	}
	for _, actor := range []string{"A1", "A2"} {
		err := db.Update(t.Context(), func(tx *Tx) error { return tx.LeaseActor("other", []byte(actor)) })
		var r *RefusedError
		if !errors.As(err, &r) || r.Reason != ReasonLeaseReused {
			t.Fatalf("reusing %s: %v", actor, err)
		}
	}
	// Deleting the newest row behind the store's back revives nothing: the
	// older lease's sealed value says it was abandoned.
	db.Close()
	rawSQL(t, db.Path(), "DELETE FROM leases WHERE n = (SELECT max(n) FROM leases)")
	db2, err := Open(t.Context(), db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.Unlock(s)
	view(t, db2, func(tx *Tx) error {
		if a, ok, err := tx.Lease("d"); ok || err != nil {
			t.Fatalf("revived lease %q %v", a, err)
		}
		return nil
	})
}

func TestMemberOps(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for i, want := range []bool{true, true, false} {
			id := h([]string{"op1", "op2", "op1"}[i])
			added, err := tx.AddMemberOp("s", id, []byte{byte(i)})
			if err != nil || added != want {
				t.Fatalf("op %d: added %v %v", i, added, err)
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		ops, err := tx.MemberOps("s")
		if err != nil || len(ops) != 2 || ops[0][0] != 0 || ops[1][0] != 1 {
			t.Fatalf("ops %v %v", ops, err)
		}
		none, err := tx.MemberOps("other")
		if err != nil || len(none) != 0 {
			t.Fatalf("ops of another space %v %v", none, err)
		}
		return nil
	})
}

func TestPeersAndOutbox(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error { // the outbox queues stored changes (migration 0006)
		for _, c := range []Change{ch("d", "a", "A", 1, 1, 1), ch("d", "b", "A", 2, 2, 1, "a"), ch("e", "c", "A", 1, 1, 1)} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		for _, err := range []error{
			tx.PutPeer("p1", []byte("x")), tx.PutPeer("p2", []byte("y")), tx.PutPeer("p1", []byte("z")),
			tx.AddOutbox("d", h("a")), tx.AddOutbox("d", h("b")), tx.AddOutbox("d", h("a")), tx.AddOutbox("e", h("c")),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		peers, err := tx.Peers()
		if err != nil || len(peers) != 2 {
			t.Fatalf("peers %v %v", peers, err)
		}
		for _, p := range peers {
			if p.ID == "p1" && string(p.Blob) != "z" {
				t.Fatalf("peer p1 %q", p.Blob)
			}
		}
		out, err := tx.Outbox(2)
		if err != nil || len(out) != 2 || out[0].Hash != h("a") || out[1].Hash != h("b") || out[0].Doc != "d" {
			t.Fatalf("outbox %+v %v", out, err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		return tx.DeleteOutbox(OutboxRow{Doc: "d", Hash: h("a")}, OutboxRow{Doc: "e", Hash: h("c")})
	})
	view(t, db, func(tx *Tx) error {
		out, err := tx.Outbox(10)
		if err != nil || len(out) != 1 || out[0].Hash != h("b") {
			t.Fatalf("outbox after delete %+v %v", out, err)
		}
		if n, err := tx.OutboxLen(); err != nil || n != 1 {
			t.Fatalf("outbox length after delete %d %v", n, err)
		}
		return nil
	})
}
