package server

import (
	"fmt"
	"os"
	"time"

	"github.com/weftsync/weft/node/engine"
)

// TraceEnv names a file to which the engine appends one line per call:
// the operation, its document's estimated size, the cache's total, the
// process's resident and peak resident size and the C heap in use and
// free after the call. It is for measuring where the engine's memory
// goes (docs/performance.md, decision 0041); unset, nothing is written.
const TraceEnv = "WEFT_ENGINE_MEMTRACE"

// memTrace writes the lines TraceEnv asks for.
type memTrace struct {
	f     *os.File
	start time.Time
	hwm   int64
}

func openTrace(path string) *memTrace {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil // a diagnostic only: the engine serves without it
	}
	return &memTrace{f: f, start: time.Now()}
}

func (t *memTrace) record(s *server, req engine.Request, took time.Duration) {
	if t == nil {
		return
	}
	rss := residentBytes()
	hwm, _ := statusBytes("VmHWM:")
	file, _ := statusBytes("RssFile:")
	inUse, free := mallocStats()
	mark := ""
	if int64(hwm) > t.hwm {
		mark = " PEAK"
		t.hwm = int64(hwm)
	}
	fmt.Fprintf(t.f, "%d %8.3f %-10s doc=%.8s in=%d batch=%d est=%.1f used=%.1f docs=%d took=%.1fms rss=%.1f file=%.1f hwm=%.1f c_inuse=%.1f c_free=%.1f parks=%d unparks=%d rounds=%d reclaims=%d%s\n",
		os.Getpid(), time.Since(t.start).Seconds(), req.Op, req.Doc, len(req.Changes), len(req.Batch),
		mib(s.docs.size(req.Doc)), mib(s.docs.used), s.docs.len(), float64(took.Microseconds())/1000,
		mib(rss), mib(int64(file)), mib(int64(hwm)), mib(inUse), mib(free), s.docs.parks, s.docs.unparks, s.docs.rounds, reclaims, mark)
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
