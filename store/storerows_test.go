package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"
)

// wideChain returns change i of a history of doc whose changes keep
// their dependency rows: change 0 is actor B's, and each after it actor
// A's next, depending on A's change before (from change 2 on) and on B's
// (chain's changes, whose one dependency is their actor's previous
// change, keep it implicit: migration 0005).
func wideChain(doc string, i int) Change {
	if i == 0 {
		return Change{Doc: doc, Hash: h(doc + "/b"), Actor: []byte("actor-b"), Seq: 1, StartOp: 1, MaxOp: 1, Raw: make([]byte, 100)}
	}
	c := Change{Doc: doc, Hash: h(fmt.Sprintf("%s/a%d", doc, i)), Actor: []byte("actor-a"), Seq: uint64(i),
		StartOp: uint64(2 + 3*(i-1)), MaxOp: uint64(4 + 3*(i-1)), Deps: [][32]byte{h(doc + "/b")}, Raw: make([]byte, 100)}
	if i > 1 {
		c.Deps = append(c.Deps, h(fmt.Sprintf("%s/a%d", doc, i-1)))
	}
	return c
}

// TestQueuedRowsSeenByEveryStatement: change rows and dependency rows
// queued to be written a group at a time (decision 0038) are seen by
// every statement the transaction runs after their AddChange, whether a
// group was full or not, and are all there once it commits.
func TestQueuedRowsSeenByEveryStatement(t *testing.T) {
	db, _ := testDB(t)
	for _, n := range []int{1, 3, maxQueuedRows, maxQueuedRows + 6} {
		for _, wide := range []bool{false, true} {
			doc, gen := fmt.Sprintf("d%d", n), chain
			if wide {
				doc, gen = fmt.Sprintf("w%d", n), wideChain
			}
			deps, explicit := 0, 0 // every dependency, and those with a row of their own
			update(t, db, func(tx *Tx) error {
				for i := range n {
					c := gen(doc, i)
					if _, err := tx.AddChange(c); err != nil {
						return err
					}
					deps += len(c.Deps)
					if wide {
						explicit += len(c.Deps)
					}
				}
				var rows, depRows int
				if err := tx.one("SELECT count(*) FROM changes WHERE doc = ?", []any{tx.index(doc)}, &rows); err != nil {
					return err
				}
				if err := tx.one("SELECT count(*) FROM change_deps WHERE doc = ?", []any{tx.index(doc)}, &depRows); err != nil {
					return err
				}
				if rows != n || depRows != explicit {
					return fmt.Errorf("%d changes added: the transaction reads %d change rows and %d dependency rows, want %d",
						n, rows, depRows, explicit)
				}
				all, err := tx.depRows(tx.index(doc))
				got := 0
				for _, d := range all {
					got += len(d)
				}
				if err != nil || got != deps {
					return fmt.Errorf("%d dependencies read, %d added (%v)", got, deps, err)
				}
				last := gen(doc, n-1).Hash
				if ok, err := tx.HasChange(doc, last); err != nil || !ok {
					return fmt.Errorf("the last change added is not seen (%v, %v)", ok, err)
				}
				return tx.verifyManifest(tx.index(doc))
			})
			view(t, db, func(tx *Tx) error {
				got, err := tx.Changes(doc)
				if err == nil && len(got) != n {
					err = fmt.Errorf("%d changes committed, %d read back", n, len(got))
				}
				return err
			})
		}
	}
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestInsertErrorNamesChange: when SQLite refuses a row of a group (here a
// trigger refuses one change's row, or one of its dependency rows), the
// error names that change, every later statement of the transaction
// fails with it, and nothing of the transaction is committed.
func TestInsertErrorNamesChange(t *testing.T) {
	for _, table := range []string{"changes", "change_deps"} {
		// 10: in a full group, written by a later AddChange; 70: in the
		// tail, written before the commit.
		for _, bad := range []int{10, 70} {
			t.Run(fmt.Sprintf("%s/%d", table, bad), func(t *testing.T) {
				db, _ := testDB(t)
				const n = 100
				doc := "d"
				gen := chain
				if table == "change_deps" {
					gen = wideChain // a chain's dependencies have no rows
				}
				var idx []byte
				view(t, db, func(tx *Tx) error { idx = tx.hashIndex(gen(doc, bad).Hash); return nil })
				_, err := db.sql.ExecContext(t.Context(), fmt.Sprintf(`CREATE TRIGGER refuse_one BEFORE INSERT ON %s
					WHEN NEW.hash = x'%x' BEGIN SELECT RAISE(ABORT, 'this row is refused by the test'); END`, table, idx))
				if err != nil {
					t.Fatal(err)
				}
				var failedAt = -1
				err = db.Update(t.Context(), func(tx *Tx) error {
					for i := range n {
						if _, err := tx.AddChange(gen(doc, i)); err != nil {
							failedAt = i
							_, rerr := tx.HasChange(doc, gen(doc, 0).Hash)
							var first, again *InsertError
							if !errors.As(err, &first) || !errors.As(rerr, &again) || first != again {
								t.Errorf("a read after the failed write (%v) gave %v, not the failure", err, rerr)
							}
							return err
						}
					}
					return nil
				})
				var ie *InsertError
				if !errors.As(err, &ie) {
					t.Fatalf("Update gave %v, not an *InsertError", err)
				}
				if want := gen(doc, bad).Hash; ie.Hash != want || !strings.Contains(err.Error(), hex.EncodeToString(want[:])) {
					t.Fatalf("the error names %x, not the refused change %x: %v", ie.Hash, want, err)
				}
				if !strings.Contains(err.Error(), "refused by the test") {
					t.Fatalf("the error does not carry SQLite's: %v", err)
				}
				// A refused row of a full group fails a later AddChange; one
				// of the last, partial group fails the commit.
				if bad < maxQueuedRows && failedAt < bad || bad >= maxQueuedRows && failedAt != -1 {
					t.Fatalf("failed at AddChange %d for a refused change %d", failedAt, bad)
				}
				view(t, db, func(tx *Tx) error {
					if c, err := tx.ChangeCount(doc); err != nil || c != 0 {
						return fmt.Errorf("after the failed transaction %d changes are stored (%v)", c, err)
					}
					return nil
				})
			})
		}
	}
}

// TestInsertErrorNamesChangeAfterKeptRows: when a constraint refuses a
// row in the middle of a group, INSERT OR FAIL (decision 0060) keeps the
// group's rows before it; the error still names the refused change, with
// SQLite's reason, and nothing of the transaction is committed. The
// conflicting row is put in behind the store's back, so that only the
// write meets it: a change row with the refused change's (doc, hash) under
// another actor, or the refused change's dependency row.
func TestInsertErrorNamesChangeAfterKeptRows(t *testing.T) {
	for _, table := range []string{"changes", "change_deps"} {
		// 10: the 11th row of a full group of 64; 70: the 7th of the
		// tail's first group of 16, written at the commit.
		for _, bad := range []int{10, 70} {
			t.Run(fmt.Sprintf("%s/%d", table, bad), func(t *testing.T) {
				db, _ := testDB(t)
				const n = 100
				doc := "d"
				gen := chain
				if table == "change_deps" {
					gen = wideChain
				}
				var docIdx, hashIdx, depIdx []byte
				view(t, db, func(tx *Tx) error {
					c := gen(doc, bad)
					docIdx, hashIdx, depIdx = tx.indexOf([]byte(doc)), tx.hashIndex(c.Hash), tx.hashIndex(c.Deps[0])
					return nil
				})
				var err error
				if table == "changes" {
					_, err = db.sql.ExecContext(t.Context(), `INSERT INTO changes (doc, hash, actor, seq, start_op, max_op, max_op_reachable, blob)
						VALUES (?, ?, x'00', 1, 1, 1, 1, x'00')`, docIdx, hashIdx)
				} else {
					_, err = db.sql.ExecContext(t.Context(), `INSERT INTO change_deps (doc, hash, dep) VALUES (?, ?, ?)`, docIdx, hashIdx, depIdx)
				}
				if err != nil {
					t.Fatal(err)
				}
				err = db.Update(t.Context(), func(tx *Tx) error {
					for i := range n {
						if _, err := tx.AddChange(gen(doc, i)); err != nil {
							return err
						}
					}
					return nil
				})
				var ie *InsertError
				if !errors.As(err, &ie) {
					t.Fatalf("Update gave %v, not an *InsertError", err)
				}
				if want := gen(doc, bad).Hash; ie.Hash != want {
					t.Fatalf("the error names %x, not the refused change %x: %v", ie.Hash, want, err)
				}
				if !strings.Contains(err.Error(), "UNIQUE constraint failed") {
					t.Fatalf("the error does not carry SQLite's: %v", err)
				}
				var stored int
				if err := db.sql.QueryRow("SELECT count(*) FROM changes WHERE doc = ?", docIdx).Scan(&stored); err != nil {
					t.Fatal(err)
				}
				if want := map[string]int{"changes": 1, "change_deps": 0}[table]; stored != want {
					t.Fatalf("after the failed transaction %d change rows are stored, want %d (the one put in by the test)", stored, want)
				}
			})
		}
	}
}

// TestRowDigestUnchanged: rowDigest, rewritten to allocate less (decision
// 0038), gives the digests every existing manifest was made with.
func TestRowDigestUnchanged(t *testing.T) {
	v1 := func(hash, actor []byte, seq, startOp, maxOp, reachable uint64, deps [][]byte) [32]byte {
		sorted := append([][]byte(nil), deps...)
		sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i], sorted[j]) < 0 })
		h := sha256.New()
		var b []byte
		for _, f := range append([][]byte{hash, actor}, sorted...) {
			b = binary.AppendUvarint(b, uint64(len(f)))
			b = append(b, f...)
		}
		for _, n := range []uint64{seq, startOp, maxOp, reachable, uint64(len(deps))} {
			b = binary.AppendUvarint(b, n)
		}
		h.Write(b)
		return [32]byte(h.Sum(nil))
	}
	bytesOf := func(max int64) []byte {
		n, _ := rand.Int(rand.Reader, big.NewInt(max))
		b := make([]byte, n.Int64())
		rand.Read(b)
		return b
	}
	num := func() uint64 { var b [8]byte; rand.Read(b[:]); return binary.LittleEndian.Uint64(b[:]) >> (b[0] % 64) }
	for i := range 500 {
		var deps [][]byte
		for range i % 6 {
			deps = append(deps, bytesOf(40))
		}
		hash, actor := bytesOf(40), bytesOf(300) // past the stack buffer too
		s, st, m, r := num(), num(), num(), num()
		if got, want := rowDigest(hash, actor, s, st, m, r, deps), v1(hash, actor, s, st, m, r, deps); got != want {
			t.Fatalf("case %d: %x, before %x", i, got, want)
		}
	}
}

// TestImplicitPrevDep: a change whose one dependency is its actor's
// previous change stores no dependency row (prev_dep, migration 0005),
// and every reader of dependencies still finds it: the sequence check's
// walk through ancestors, DropChanges' search for descendants, the
// manifest, and VerifyAll, which finds the implicit dependency altered or
// gone.
func TestImplicitPrevDep(t *testing.T) {
	const d = "doc"
	const n = 20
	// A1; B1..Bn, B1 on A1, each after on the one before (implicit); A2 on
	// Bn, whose ancestors reach A1 only through the implicit edges; M on
	// A2 and Bn (two rows).
	hist := []Change{ch(d, "a1", "A", 1, 1, 1)}
	for i := 1; i <= n; i++ {
		dep := fmt.Sprint("b", i-1)
		if i == 1 {
			dep = "a1"
		}
		hist = append(hist, ch(d, fmt.Sprint("b", i), "B", uint64(i), uint64(i+1), 1, dep))
	}
	bn := fmt.Sprint("b", n)
	hist = append(hist, ch(d, "a2", "A", 2, n+2, 1, bn), ch(d, "m", "C", 1, n+3, 1, "a2", bn))
	build := func(t *testing.T) (*DB, Sealer) {
		db, s := testDB(t)
		update(t, db, func(tx *Tx) error {
			for _, c := range hist {
				if r, err := tx.AddChange(c); err != nil || r.Outcome != Stored {
					return fmt.Errorf("%s: %v %v", c.Message, r.Outcome, err)
				}
			}
			return nil
		})
		return db, s
	}
	db, _ := build(t)
	var rows, implicit int
	if err := db.sql.QueryRow("SELECT count(*) FROM change_deps").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := db.sql.QueryRow("SELECT count(*) FROM changes WHERE prev_dep = 1").Scan(&implicit); err != nil {
		t.Fatal(err)
	}
	// Rows: B1 on A1 (another actor), A2 on Bn, M's two. Implicit: B2..Bn.
	if rows != 4 || implicit != n-1 {
		t.Fatalf("%d dependency rows and %d implicit dependencies, want 4 and %d", rows, implicit, n-1)
	}
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Storing A2 above walked from Bn back to A1 through B's implicit
	// dependencies only. Two more walks: A3's previous change among its
	// ancestors, and C2's not (B1's ancestors are A1 only).
	err := db.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(ch(d, "a3", "A", 3, n+4, 1, "b1", "m"))
		return err
	})
	if err != nil {
		t.Fatalf("a change whose ancestors reach its previous one through implicit dependencies: %v", err)
	}
	err = db.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(ch(d, "c2", "C", 2, 3, 1, "b1"))
		return err
	})
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Reason != ReasonSeqGap {
		t.Fatalf("C2 whose ancestors miss C1: %v, want a seq gap", err)
	}
	var dropped [][32]byte
	update(t, db, func(tx *Tx) (err error) {
		dropped, err = tx.DropChanges(d, [][32]byte{h(fmt.Sprint("b", n-2))})
		return err
	})
	want := map[[32]byte]bool{h(fmt.Sprint("b", n-2)): true, h(fmt.Sprint("b", n-1)): true, h(bn): true, h("a2"): true, h("m"): true, h("a3"): true}
	if len(dropped) != len(want) {
		t.Fatalf("dropped %d changes, want %d", len(dropped), len(want))
	}
	for _, x := range dropped {
		if !want[x] {
			t.Fatalf("dropped %x, not a descendant", x)
		}
	}
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatalf("after the drop: %v", err)
	}
	db.Close()

	for _, c := range []struct{ name, sql string }{
		{"implicit dependency cleared", "UPDATE changes SET prev_dep = 0 WHERE prev_dep = 1 AND seq = 5"},
		{"implicit dependency set", "UPDATE changes SET prev_dep = 1 WHERE seq = 1 AND prev_dep = 0 AND n = 2"},
		{"the previous change deleted", "DELETE FROM changes WHERE n = 4"},
		{"seq of an implicit dependency altered", "UPDATE changes SET seq = 99 WHERE n = 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, s := build(t)
			path := db.Path()
			db.Close()
			rawSQL(t, path, c.sql)
			db2, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db2.Close()
			db2.Unlock(s)
			if err := db2.VerifyAll(t.Context()); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("VerifyAll: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestQueuedRowsCancelled: a transaction cancelled with rows queued fails
// with the cancellation, which names no change, and commits nothing.
func TestQueuedRowsCancelled(t *testing.T) {
	db, _ := testDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	err := db.Update(ctx, func(tx *Tx) error {
		for i := range 3 {
			if _, err := tx.AddChange(chain("d", i)); err != nil {
				return err
			}
		}
		cancel()
		_, err := tx.HasChange("d", chain("d", 0).Hash)
		return err
	})
	var ie *InsertError
	if !errors.Is(err, context.Canceled) || errors.As(err, &ie) {
		t.Fatalf("cancelled with rows queued: %v", err)
	}
	view(t, db, func(tx *Tx) error {
		if c, err := tx.ChangeCount("d"); err != nil || c != 0 {
			return fmt.Errorf("%d changes stored after the cancelled transaction (%v)", c, err)
		}
		return nil
	})
}
