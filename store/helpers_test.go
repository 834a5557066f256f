package store

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// testSealer is a simple Sealer for tests: XChaCha20-Poly1305 with a random
// nonce, and HMAC-SHA256 for indexes. node/seal provides the real one.
type testSealer struct {
	aead cipher.AEAD
	idx  []byte
}

func newTestSealer(t testing.TB) *testSealer {
	t.Helper()
	key := make([]byte, chacha20poly1305.KeySize)
	rand.Read(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]byte, 32)
	rand.Read(idx)
	return &testSealer{aead: aead, idx: idx}
}

func (s *testSealer) Seal(ad, plaintext []byte) ([]byte, error) {
	nonce := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plaintext)+s.aead.Overhead())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, ad), nil
}

func (s *testSealer) Open(ad, sealed []byte) ([]byte, error) {
	if len(sealed) < chacha20poly1305.NonceSizeX {
		return nil, errors.New("short")
	}
	return s.aead.Open(nil, sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:], ad)
}

func (s *testSealer) Index(id []byte) []byte {
	m := hmac.New(sha256.New, s.idx)
	m.Write(id)
	return m.Sum(nil)
}

// testDB opens a fresh store in a temporary folder and unlocks it.
func testDB(t testing.TB) (*DB, *testSealer) {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := newTestSealer(t)
	db.Unlock(s)
	return db, s
}

// reopen closes db and opens the same file again, unlocked with s.
func reopen(t testing.TB, db *DB, s Sealer) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return openUnlocked(t, db.Path(), s)
}

// openUnlocked opens the store file at path (closed until now, e.g. after
// rawSQL), closed when the test ends, and unlocks it with s.
func openUnlocked(t testing.TB, path string, s Sealer) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Unlock(s)
	return db
}

// rawSQL runs statements on the store's file through a plain connection,
// behind the store's back. db must be closed.
func rawSQL(t testing.TB, path string, stmts ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// h names a change hash by a label.
func h(label string) [32]byte { return sha256.Sum256([]byte(label)) }

// ch builds a change of doc by actor: ops operations from start, with deps.
func ch(doc, label, actor string, seq, start, ops uint64, deps ...string) Change {
	c := Change{Doc: doc, Hash: h(label), Actor: []byte(actor), Seq: seq, StartOp: start,
		MaxOp: start + ops - 1, Time: 1700000000, Message: label, Raw: []byte("raw " + label)}
	for _, d := range deps {
		c.Deps = append(c.Deps, h(d))
	}
	return c
}

// update runs fn in an Update and fails the test on error.
func update(t testing.TB, db *DB, fn func(*Tx) error) {
	t.Helper()
	if err := db.Update(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// view runs fn in a View and fails the test on error.
func view(t testing.TB, db *DB, fn func(*Tx) error) {
	t.Helper()
	if err := db.View(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}
