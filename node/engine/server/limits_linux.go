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
