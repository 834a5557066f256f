package server

/*
#include <malloc.h>
*/
import "C"

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// takeStdout duplicates file descriptor 1 for the RPC stream and points fd 1
// at stderr.
func takeStdout() (*os.File, error) {
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil, fmt.Errorf("dup stdout: %w", err)
	}
	if err := syscall.Dup3(2, 1, 0); err != nil {
		return nil, fmt.Errorf("redirect stdout: %w", err)
	}
	return os.NewFile(uintptr(fd), "rpc"), nil
}

// limitAddressSpace sets RLIMIT_AS to the current address space plus margin.
// A fixed limit at exec fails: a Go process's address space is mostly
// reservations, so the limit is set after warm-up (DESIGN.md section 5).
func limitAddressSpace(margin uint64) error {
	size, err := statusBytes("VmSize:")
	if err != nil {
		return err
	}
	lim := size + margin
	return syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: lim, Max: lim})
}

// residentBytes returns the process's resident set size.
func residentBytes() int64 {
	n, err := statusBytes("VmRSS:")
	if err != nil {
		return 0
	}
	return int64(n)
}

func statusBytes(field string) (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), field)
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(line), " kB"), 10, 64)
		return kb << 10, err
	}
	return 0, fmt.Errorf("%s not in /proc/self/status", field)
}

// mmapThreshold is the size from which the C heap serves an allocation
// with its own mapping (glibc's default, 128 KiB), fixed by
// fixMmapThreshold (decision 0046).
const mmapThreshold = 128 << 10

// fixMmapThreshold keeps glibc's mmap threshold at mmapThreshold.
// Left dynamic, glibc raises the threshold to the size of each large
// block freed (up to 32 MiB), so that after the core has freed a few
// large buffers (an apply of thousands of changes, a saved form) its
// later large buffers come from the main heap, and once freed they leave
// holes between the document's small pieces that no trim can return:
// (b)'s engine held about 7 MiB more at its peak, in the load of the
// round-trip check. Fixed, a large buffer is its own mapping and goes
// back to the system when freed. It reports whether glibc took the
// setting.
func fixMmapThreshold() bool { return C.mallopt(C.M_MMAP_THRESHOLD, mmapThreshold) == 1 }

// trimMalloc hands freed C heap back to the system.
func trimMalloc() { C.malloc_trim(0) }

// mallocStats returns the bytes the C heap has in use and free (mallinfo2).
func mallocStats() (inUse, free int64) {
	mi := C.mallinfo2()
	return int64(mi.uordblks + mi.hblkhd), int64(mi.fordblks)
}

// dropBinaryPages unmaps from this process the pages of its executable's
// read-only mappings (code and read-only data) that it never wrote to:
// the kernel maps a binary in large pieces, so an engine, which runs
// only a small part of the weft binary, starts with most of it resident
// (about 30 MiB). Pages it runs again come back from the page cache on
// their next use. It returns the bytes that were resident in those
// mappings. A mapping with pages of its own (relocated data) is left
// alone.
func dropBinaryPages() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("find executable: %w", err)
	}
	regions, err := readOnlyRegions(exe)
	if err != nil {
		return 0, err
	}
	var dropped int64
	for _, r := range regions {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, r.start, r.end-r.start, syscall.MADV_DONTNEED)
		if errno != 0 {
			return dropped, fmt.Errorf("madvise: %w", errno)
		}
		dropped += r.rss
	}
	return dropped, nil
}

type region struct {
	start, end uintptr
	rss        int64
}

// readOnlyRegions lists exe's read-only mappings with no anonymous pages,
// from /proc/self/smaps.
func readOnlyRegions(exe string) ([]region, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []region
	var cur *region
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			cur = nil
			if len(fields) == 6 && fields[5] == exe && (fields[1] == "r-xp" || fields[1] == "r--p") {
				lo, hi, _ := strings.Cut(fields[0], "-")
				start, err1 := strconv.ParseUint(lo, 16, 64)
				end, err2 := strconv.ParseUint(hi, 16, 64)
				if err1 == nil && err2 == nil && end > start {
					out = append(out, region{start: uintptr(start), end: uintptr(end), rss: -1})
					cur = &out[len(out)-1]
				}
			}
			continue
		}
		if cur == nil || len(fields) < 2 {
			continue
		}
		kb, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "Rss:":
			cur.rss = kb << 10
		case "Anonymous:":
			if kb != 0 {
				cur.rss = -2 // written to: never drop
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	keep := out[:0]
	for _, r := range out {
		if r.rss >= 0 {
			keep = append(keep, r)
		}
	}
	return keep, nil
}
