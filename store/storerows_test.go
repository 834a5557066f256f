package store

import (
	"bytes"
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

// TestQueuedRowsSeenByEveryStatement: change rows queued to be written a
// group at a time (decision 0038) are seen by every statement the
// transaction runs after their AddChange, whether a group was full or
// not, and are all there once it commits.
func TestQueuedRowsSeenByEveryStatement(t *testing.T) {
	db, _ := testDB(t)
	for _, n := range []int{1, 3, maxQueuedRows, maxQueuedRows + 6} {
		doc := fmt.Sprintf("d%d", n)
		update(t, db, func(tx *Tx) error {
			for i := range n {
				if _, err := tx.AddChange(chain(doc, i)); err != nil {
					return err
				}
			}
			var rows, deps int
			if err := tx.one("SELECT count(*) FROM changes WHERE doc = ?", []any{tx.index(doc)}, &rows); err != nil {
				return err
			}
			if err := tx.one("SELECT count(*) FROM change_deps WHERE doc = ?", []any{tx.index(doc)}, &deps); err != nil {
				return err
			}
			if rows != n || deps != n-1 {
				return fmt.Errorf("%d changes added: the transaction reads %d change rows and %d dependency rows", n, rows, deps)
			}
			last := chain(doc, n-1).Hash
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
				var idx []byte
				view(t, db, func(tx *Tx) error { idx = tx.hashIndex(chain(doc, bad).Hash); return nil })
				_, err := db.sql.ExecContext(t.Context(), fmt.Sprintf(`CREATE TRIGGER refuse_one BEFORE INSERT ON %s
					WHEN NEW.hash = x'%x' BEGIN SELECT RAISE(ABORT, 'this row is refused by the test'); END`, table, idx))
				if err != nil {
					t.Fatal(err)
				}
				var failedAt = -1
				err = db.Update(t.Context(), func(tx *Tx) error {
					for i := range n {
						if _, err := tx.AddChange(chain(doc, i)); err != nil {
							failedAt = i
							_, rerr := tx.HasChange(doc, chain(doc, 0).Hash)
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
				if want := chain(doc, bad).Hash; ie.Hash != want || !strings.Contains(err.Error(), hex.EncodeToString(want[:])) {
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
