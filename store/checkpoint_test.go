package store

import (
	"os"
	"testing"
	"time"
)

// TestCheckpointBesideWriter checks that a large commit leaves the WAL
// to the checkpointer (the database file does not grow inside the
// commit, though it wrote well over SQLite's default threshold of 1,000
// pages), that the checkpointer copies it once enough was written, and
// that everything is there after a reopen.
func TestCheckpointBesideWriter(t *testing.T) {
	db, s := testDB(t)
	path := db.Path()
	defer func(v int64) { checkpointEvery = v }(checkpointEvery)
	checkpointEvery = 1 << 40 // none for now

	var auto int
	if err := db.Update(t.Context(), func(tx *Tx) error {
		return tx.row("PRAGMA wal_autocheckpoint").Scan(&auto)
	}); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Fatalf("the writer's connection checkpoints every %d pages itself; want 0", auto)
	}

	const n = 2000
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	if err := db.Update(t.Context(), func(tx *Tx) error {
		for i := range n {
			c := chain("d", i)
			c.Raw = make([]byte, 2048) // 2,000 of them: over 1,000 pages of 4 KiB
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := size(); got > before+(1<<20) {
		t.Fatalf("the database file grew from %d to %d bytes inside the commit: it checkpointed", before, got)
	}
	if r := db.ckpt.runs.Load(); r != 0 {
		t.Fatalf("%d checkpoints ran before one was due", r)
	}

	checkpointEvery = 1 << 10
	if err := db.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(chain("d", n))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for db.ckpt.runs.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if db.ckpt.runs.Load() == 0 {
		t.Fatal("no checkpoint ran after enough was written")
	}
	if got := size(); got < before+n*2048 {
		t.Fatalf("the database file holds %d bytes after the checkpoint; want over %d", got, before+n*2048)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.Unlock(s)
	if err := db2.View(t.Context(), func(tx *Tx) error {
		got, err := tx.ChangeCount("d")
		if err == nil && got != n+1 {
			t.Errorf("%d changes after a reopen; want %d", got, n+1)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
