package node_test

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func benchNode(b *testing.B) (*node.Node, node.Space) {
	b.Helper()
	n, err := node.Init(b.Context(), node.Options{Home: b.TempDir(), NoPassphrase: true}, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	sp, err := n.CreateSpace(b.Context(), "Bench")
	if err != nil {
		b.Fatal(err)
	}
	return n, sp
}

// BenchmarkLocalEdit is one durable local edit end to end: the engine
// makes the change, Go parses and checks it, it is attested, and change,
// attestation and outbox row commit in one synchronous=FULL transaction.
// Compare with examples/bench BenchmarkRawParts (one automerge commit plus
// one SQLite transaction in one process).
func BenchmarkLocalEdit(b *testing.B) {
	n, sp := benchNode(b)
	e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	for b.Loop() {
		if _, err := n.AddEntry(b.Context(), sp, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResident1000Docs opens 1,000 case studies in the engine and
// reports the resident memory of the node process and of its engine.
func BenchmarkResident1000Docs(b *testing.B) {
	n, sp := benchNode(b)
	ctx := b.Context()
	for i := range 1000 {
		c := model.CaseStudy{Titles: map[string]string{"en": "Case " + strconv.Itoa(i)},
			Bodies: map[string]string{"en": "A paragraph of what happened and what we learned."}}
		if _, err := n.AddCase(ctx, sp, c); err != nil {
			b.Fatal(err)
		}
	}
	var engineRSS int64
	var docs int
	for b.Loop() {
		cases, err := n.Cases(ctx, sp) // views every case: all 1,000 open in the engine
		if err != nil || len(cases) != 1000 {
			b.Fatalf("cases: %d, %v", len(cases), err)
		}
		if engineRSS, docs, err = node.EngineStats(n); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(selfRSS())/(1<<20), "node-MiB")
	b.ReportMetric(float64(engineRSS)/(1<<20), "engine-MiB")
	b.ReportMetric(float64(docs), "open-docs")
}

// BenchmarkLedgerAudit10k audits a ledger of 10,000 entries, one change
// each (the history is replayed from decoded ops in Go).
func BenchmarkLedgerAudit10k(b *testing.B) {
	n, sp := benchNode(b)
	ctx := b.Context()
	e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	start := time.Now()
	for range 10000 {
		if _, err := n.AddEntry(ctx, sp, e); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("10,000 durable entries in %v", time.Since(start))
	for b.Loop() {
		f, err := n.Audit(ctx, sp)
		if err != nil || len(f) != 0 {
			b.Fatalf("audit: %v, %v", f, err)
		}
	}
}

// selfRSS reads this process's resident set size.
func selfRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkAddEntries1000 is group commit of local edits: 1,000 ledger
// entries, one change each, attested, in one engine call and one
// synchronous=FULL transaction (what `weft ledger import` does), on a
// ledger that grows by 1,000 entries per iteration. It reports durable
// changes per second, and the CPU of the node and its engine per entry
// (as BenchmarkAddEntriesLarge).
func BenchmarkAddEntries1000(b *testing.B) {
	n, sp := benchNode(b)
	entries := make([]model.Entry, 1000)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
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
