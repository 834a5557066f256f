package store

import (
	"context"
	"testing"
)

// TestReaderPageCache: reader connections keep a page cache of 512 KiB,
// the writer SQLite's default 2 MiB (decision 0041).
func TestReaderPageCache(t *testing.T) {
	db, _ := testDB(t)
	ctx := context.Background()
	var reader, writer int
	if err := db.rsql.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&reader); err != nil {
		t.Fatal(err)
	}
	if err := db.sql.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&writer); err != nil {
		t.Fatal(err)
	}
	if reader != -512 || writer != -2000 {
		t.Fatalf("cache_size: readers %d, writer %d; want -512 and -2000", reader, writer)
	}
}
