package model

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// maxHeads bounds the heads an opening balance may record: a ledger has
// one head per member who wrote concurrently, a handful in practice.
const maxHeads = 64

// FormatHeads writes a document's heads as an opening balance records
// them: hex change hashes, ascending, comma-separated.
func FormatHeads(heads [][32]byte) string {
	sorted := append([][32]byte(nil), heads...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i][:], sorted[j][:]) < 0 })
	parts := make([]string, len(sorted))
	for i, h := range sorted {
		parts[i] = hex.EncodeToString(h[:])
	}
	return strings.Join(parts, ",")
}

// ParseHeads reads what FormatHeads writes, refusing anything else (no
// heads, too many, not ascending, not 32-byte hex).
func ParseHeads(s string) ([][32]byte, error) {
	parts := strings.Split(s, ",")
	if s == "" || len(parts) > maxHeads {
		return nil, fmt.Errorf("want 1 to %d heads, got %q", maxHeads, clipHeads(s))
	}
	out := make([][32]byte, len(parts))
	for i, p := range parts {
		b, err := hex.DecodeString(p)
		if err != nil || len(b) != 32 || p != strings.ToLower(p) {
			return nil, fmt.Errorf("head %d is not a 64-digit lowercase hex hash", i+1)
		}
		copy(out[i][:], b)
		if i > 0 && bytes.Compare(out[i-1][:], out[i][:]) >= 0 {
			return nil, errors.New("heads are not in ascending order")
		}
	}
	return out, nil
}

func clipHeads(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
