package node_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// BenchmarkAddEntriesLarge is BenchmarkAddEntries1000 on a ledger that
// already holds 10,000 entries (ten imports of 1,000, not timed): each
// iteration adds 1,000 more. The durable change rate must hold as the
// ledger grows (decision 0029): nothing an import does may cost in
// proportion to the ledger's size, but a snapshot, whose gap grows with
// the document. It also reports the CPU the node and its engine spent per
// entry in the timed part (decision 0035: on two cores, 10,000 changes/s
// needs their sum under 200 µs and the two overlapped).
func BenchmarkAddEntriesLarge(b *testing.B) {
	n, sp, entries := largeLedger(b)
	self0, kids0 := cpuTicks(b)
	for b.Loop() {
		if _, err := n.AddEntries(b.Context(), sp, entries); err != nil {
			b.Fatal(err)
		}
	}
	self1, kids1 := cpuTicks(b)
	made := float64(b.N * len(entries))
	b.ReportMetric(made/b.Elapsed().Seconds(), "changes/s")
	b.ReportMetric(float64(self1-self0)*1e4/made, "node-µs/entry")
	b.ReportMetric(float64(kids1-kids0)*1e4/made, "engine-µs/entry")
}

// largeLedger is a node whose ledger holds 10,000 entries, made in ten
// imports of 1,000, and the 1,000 entries of one more import.
func largeLedger(b *testing.B) (*node.Node, node.Space, []model.Entry) {
	n, sp := benchNode(b)
	entries := make([]model.Entry, 1000)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
	for range 10 {
		if _, err := n.AddEntries(b.Context(), sp, entries); err != nil {
			b.Fatal(err)
		}
	}
	return n, sp, entries
}

// cpuTicks returns the CPU time (10 ms ticks, user and system) this
// process and its living children (the engine) have used, from /proc.
func cpuTicks(b *testing.B) (self, kids int64) {
	b.Helper()
	self = procTicks(b, "/proc/self/stat")
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, t := range tasks {
		pids, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, pid := range strings.Fields(string(pids)) {
			kids += procTicks(b, "/proc/"+pid+"/stat")
		}
	}
	return self, kids
}

// procTicks reads utime+stime from a /proc stat file.
func procTicks(b *testing.B, path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		b.Fatal(fmt.Errorf("short %s", path))
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	t, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("bad %s", path)
	}
	return u + t
}
