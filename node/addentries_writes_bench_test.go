package node_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkAddEntriesLargeWrites is BenchmarkAddEntriesLarge's imports
// (1,000 entries each, on a ledger of 10,000 and more) measured by what
// the node's process writes (decision 0052): the bytes passed to write
// calls and the write calls per import, from /proc/self/io, the WAL's
// frames and the checkpoints that copy them into the database file.
// Fewer pages dirtied per import is a shorter fsync in the commit, which
// nothing overlaps.
func BenchmarkAddEntriesLargeWrites(b *testing.B) {
	n, sp, entries := largeLedger(b)
	wchar0, syscw0 := procIO(b)
	for b.Loop() {
		if _, err := n.AddEntries(b.Context(), sp, entries); err != nil {
			b.Fatal(err)
		}
	}
	wchar1, syscw1 := procIO(b)
	b.ReportMetric(float64(wchar1-wchar0)/1024/float64(b.N), "KB-written/import")
	b.ReportMetric(float64(syscw1-syscw0)/float64(b.N), "writes/import")
}

// procIO reads the bytes this process passed to write calls (wchar) and
// the write calls it made (syscw) from /proc/self/io.
func procIO(b *testing.B) (wchar, syscw int64) {
	b.Helper()
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Skipf("no /proc/self/io: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		x, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			b.Fatalf("/proc/self/io: %s: %v", line, err)
		}
		switch k {
		case "wchar":
			wchar = x
		case "syscw":
			syscw = x
		}
	}
	return wchar, syscw
}
