package server

import (
	"os"
	"runtime"
	"strconv"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/node/engine"
)

// TestLoadProbe is a diagnostic, skipped unless asked for
// (decision 0051): it measures, in this process, the peak resident
// memory (VmHWM, reset first) of loading the saved form of a
// 10,000-entry ledger, and the C heap in use and free after it, under
// the mmap threshold in WEFT_LOAD_PROBE_MMAP (bytes; the engine's 128 KiB
// when unset). WEFT_LOAD_PROBE names the file holding the saved form;
// a first run writes it. Run one threshold per process (without -race):
//
//	go test -c -o /tmp/probe.test ./node/engine/server/
//	WEFT_LOAD_PROBE=/tmp/ledger.saved WEFT_LOAD_PROBE_MMAP=16384 /tmp/probe.test -test.run TestLoadProbe -test.v
func TestLoadProbe(t *testing.T) {
	path := os.Getenv("WEFT_LOAD_PROBE")
	if path == "" || raceEnabled {
		t.Skip("a diagnostic: set WEFT_LOAD_PROBE and run without -race")
	}
	likeAnEngine(t)
	crdt.Enable()
	saved, err := os.ReadFile(path)
	if err != nil {
		d, err := crdt.Load(ledgerChanges(t, 10000), testActor)
		if err != nil {
			t.Fatal(err)
		}
		if saved, _, err = d.Snapshot(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, saved, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Skip("saved form written; run again to measure its load")
	}
	threshold := os.Getenv("WEFT_LOAD_PROBE_MMAP")
	if n, err := strconv.Atoi(threshold); err == nil {
		if !setMmapThreshold(n) {
			t.Fatalf("glibc refused an mmap threshold of %d", n)
		}
	} else if !fixMmapThreshold() {
		t.Fatal("glibc refused the mmap threshold")
	}
	reclaim()
	_, _ = engine.DropBinaryPages()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset the peak: %v", err)
	}
	before, _ := statusBytes("VmHWM:")
	doc, err := am.Load(saved)
	if err != nil {
		t.Fatal(err)
	}
	hwm, _ := statusBytes("VmHWM:")
	anon, _ := statusBytes("RssAnon:")
	file, _ := statusBytes("RssFile:")
	inUse, free := mallocStats()
	t.Logf("mmap threshold %q: VmHWM %.1f MiB before the load, %.1f after; anonymous %.1f, file %.1f MiB; C heap in use %.1f MB, free %.1f MB",
		threshold, mib(int64(before)), mib(int64(hwm)), mib(int64(anon)), mib(int64(file)), float64(inUse)/1e6, float64(free)/1e6)
	runtime.KeepAlive(doc)
}
