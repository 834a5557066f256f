package model

import (
	"bytes"
	"compress/flate"
	"strings"
	"testing"
)

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !ValidID(id) || seen[id] {
			t.Fatalf("NewID gave %q (valid %v, seen before %v)", id, ValidID(id), seen[id])
		}
		seen[id] = true
	}
}

// TestNewItemID: item IDs are valid, distinct, and compress to a few bytes
// each when many travel together (they would take about 16 bytes each if
// random, as NewID's do).
func TestNewItemID(t *testing.T) {
	const n = 10000
	seen := make(map[string]bool, n)
	var all, random strings.Builder
	for range n {
		id := NewItemID()
		if !ValidID(id) || seen[id] {
			t.Fatalf("NewItemID gave %q (valid %v, seen before %v)", id, ValidID(id), seen[id])
		}
		seen[id] = true
		all.WriteString(id)
		random.WriteString(NewID())
	}
	packed, baseline := deflated(t, all.String()), deflated(t, random.String())
	t.Logf("%d item IDs deflate to %.1f B each; random IDs to %.1f B each", n, float64(packed)/n, float64(baseline)/n)
	if packed*3 > baseline {
		t.Fatalf("item IDs deflate to %d B, random ones to %d B: want at most a third", packed, baseline)
	}
	for _, bad := range []string{"", "ABC", strings.Repeat("a", IDLen-1), strings.Repeat("A", IDLen), strings.Repeat("1", IDLen)} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func deflated(t *testing.T, s string) int {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}
