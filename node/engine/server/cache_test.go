package server

import (
	"strconv"
	"testing"
)

// TestEvictLeavesSlack: past its budget the cache evicts the least
// recently used documents down to three quarters of the budget, so the
// next documents fit without another eviction (and reclaim).
func TestEvictLeavesSlack(t *testing.T) {
	chunks := make([][]byte, 10) // not changes: estimated at bytesPerChange each
	doc := int64(len(chunks)) * bytesPerChange
	c := newCache(10 * doc)
	for i := range 10 {
		c.put("d"+strconv.Itoa(i), nil, chunks)
	}
	if c.evictions != 0 || c.len() != 10 {
		t.Fatalf("at the budget: %d evicted, %d open; want 0 and 10", c.evictions, c.len())
	}
	c.put("d10", nil, chunks)
	if c.evictions != 4 || c.len() != 7 || c.used > 10*doc*3/4 {
		t.Fatalf("past the budget: %d evicted, %d open, %d used; want 4, 7, at most %d", c.evictions, c.len(), c.used, 10*doc*3/4)
	}
	for i := range 4 {
		if _, ok := c.get("d" + strconv.Itoa(i)); ok {
			t.Fatalf("d%d, among the least recently used, is still open", i)
		}
	}
	c.put("d11", nil, chunks)
	c.put("d12", nil, chunks)
	if c.evictions != 4 || c.len() != 9 {
		t.Fatalf("within the slack: %d evicted, %d open; want 4 and 9", c.evictions, c.len())
	}
}
