package store

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestPrepareWAL: the WAL written ahead is as long as asked, is not
// written twice, and every commit before and after it survives both a
// clean reopen and a crash (the files copied while the store is open, so
// that the next open recovers the WAL from its frames, zeros after them).
func TestPrepareWAL(t *testing.T) {
	db, s := testDB(t)
	ctx := t.Context()
	add := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.AddChange(chain("d", i)); return err }); err != nil {
				t.Fatalf("add %d: %v", i, err)
			}
		}
	}
	add(0, 20)
	walPath := db.Path() + "-wal"
	before, err := os.Stat(walPath)
	if err != nil {
		t.Fatal(err)
	}
	// Room for the 20 commits after it, whatever the migrations left in the
	// WAL before them (about 700 KB; 20 commits write about 345 KB).
	const size = 2 << 20
	if before.Size() >= size {
		t.Fatalf("the WAL is %d bytes after 20 commits: the test needs it shorter than %d", before.Size(), size)
	}
	wrote, err := db.PrepareWAL(ctx, size, 0)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	if wrote != size-before.Size() {
		t.Fatalf("wrote %d bytes, want %d", wrote, size-before.Size())
	}
	if fi, err := os.Stat(walPath); err != nil || fi.Size() != size {
		t.Fatalf("WAL after prepare: %v, %v; want %d bytes", fi, err, size)
	}
	if again, err := db.PrepareWAL(ctx, size, 0); err != nil || again != 0 {
		t.Fatalf("second prepare wrote %d (%v), want 0", again, err)
	}
	add(20, 40)
	if fi, err := os.Stat(walPath); err != nil || fi.Size() != size {
		t.Fatalf("WAL after 20 more commits: %v, %v; want it still %d bytes (overwritten in place)", fi, err, size)
	}
	want := make([][32]byte, 40)
	for i := range want {
		want[i] = chain("d", i).Hash
	}
	check := func(what string, db *DB) {
		t.Helper()
		var got []Change
		if err := db.View(ctx, func(tx *Tx) (err error) { got, err = tx.Changes("d"); return err }); err != nil {
			t.Fatalf("%s: changes: %v", what, err)
		}
		hashes := make([][32]byte, len(got))
		for i, c := range got {
			hashes[i] = c.Hash
		}
		slices.SortFunc(hashes, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
		w := slices.Clone(want)
		slices.SortFunc(w, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
		if !slices.Equal(hashes, w) {
			t.Fatalf("%s: %d changes stored, want the 40 committed", what, len(got))
		}
	}
	// A crash: the database and its WAL as they are on disk now.
	crashed := filepath.Join(t.TempDir(), "weft.db")
	copyFile(t, db.Path(), crashed)
	copyFile(t, walPath, crashed+"-wal")
	cdb, err := Open(ctx, crashed)
	if err != nil {
		t.Fatalf("open the crashed copy: %v", err)
	}
	defer cdb.Close()
	cdb.Unlock(s)
	check("after a crash", cdb)
	check("after a clean reopen", reopen(t, db, s))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkPacedCommit commits one change per durable transaction, 5 ms
// apart (a paced writer, not a loop), alternately to two stores: one whose
// WAL grows, one whose WAL was written ahead (PrepareWAL). It reports each
// one's p50 and p90 commit, both seen under the same load: `go test -run
// '^$' -bench PacedCommit -benchtime 400x ./store/`.
func BenchmarkPacedCommit(b *testing.B) {
	grows, _ := testDB(b)
	ahead, _ := testDB(b)
	if _, err := ahead.PrepareWAL(b.Context(), 16<<20, 0); err != nil {
		b.Fatal(err)
	}
	took := map[*DB][]time.Duration{}
	i := 0
	for b.Loop() {
		db := grows
		if i%2 == 1 {
			db = ahead
		}
		time.Sleep(5 * time.Millisecond)
		c := chain("d", i)
		start := time.Now()
		if err := db.Update(b.Context(), func(tx *Tx) error { _, err := tx.AddChange(c); return err }); err != nil {
			b.Fatal(err)
		}
		took[db] = append(took[db], time.Since(start))
		i++
	}
	for _, x := range []struct {
		name string
		db   *DB
	}{{"grows", grows}, {"ahead", ahead}} {
		d := took[x.db]
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds()), x.name+"-p50-µs")
		b.ReportMetric(float64(d[len(d)*9/10].Microseconds()), x.name+"-p90-µs")
	}
}
