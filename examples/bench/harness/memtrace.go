package harness

/*
#include <malloc.h>
*/
import "C"

import (
	"bufio"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// MemTraceEnv names a file to which a peer appends, each time its
// resident size reaches a new peak (by half a MiB or more), where that
// memory is: anonymous and file pages, the Go runtime's classes and the
// C heap (decision 0041). Unset, nothing is sampled.
const MemTraceEnv = "WEFTBENCH_MEMTRACE"

// startMemTrace samples this process every 20 ms until the returned
// function is called.
func startMemTrace(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return func() {}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // stopped by the returned function
		defer close(done)
		defer f.Close()
		start := time.Now()
		names := []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes",
			"/memory/classes/heap/free:bytes", "/memory/classes/heap/stacks:bytes",
			"/memory/classes/os-stacks:bytes", "/memory/classes/metadata/other:bytes",
			"/memory/classes/total:bytes", "/memory/classes/heap/released:bytes",
			"/gc/heap/live:bytes", "/gc/heap/goal:bytes"}
		samples := make([]metrics.Sample, len(names))
		for i, n := range names {
			samples[i].Name = n
		}
		var peak int64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			st := procStatus()
			if st["VmRSS"] < peak+512<<10 {
				continue
			}
			peak = st["VmRSS"]
			metrics.Read(samples)
			mi := C.mallinfo2()
			m := func(i int) float64 { return float64(samples[i].Value.Uint64()) / (1 << 20) }
			fmt.Fprintf(f, "%d %7.2f rss=%.1f anon=%.1f file=%.1f | go total=%.1f released=%.1f objects=%.1f unused=%.1f free=%.1f stacks=%.1f os-stacks=%.1f meta=%.1f live=%.1f goal=%.1f | c inuse=%.1f free=%.1f arena=%.1f mmap=%.1f\n",
				os.Getpid(), time.Since(start).Seconds(), mb(st["VmRSS"]), mb(st["RssAnon"]), mb(st["RssFile"]),
				m(6), m(7), m(0), m(1), m(2), m(3), m(4), m(5), m(8), m(9),
				float64(mi.uordblks+mi.hblkhd)/(1<<20), float64(mi.fordblks)/(1<<20), float64(mi.arena)/(1<<20), float64(mi.hblkhd)/(1<<20))
			writeHeapProfile(fmt.Sprintf("%s.%d.heap", path, os.Getpid()))
		}
	}()
	return func() { close(stop); <-done }
}

// writeHeapProfile replaces path with the Go heap profile at the
// latest peak: what was live at the last collection and where the
// garbage came from (decision 0057). A diagnostic: errors leave it out.
func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	_ = pprof.WriteHeapProfile(f)
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// procStatus reads the kB fields of /proc/self/status, in bytes.
func procStatus() map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || !strings.HasSuffix(v, " kB") {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, " kB")), 10, 64); err == nil {
			out[k] = n << 10
		}
	}
	return out
}
