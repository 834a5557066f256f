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

// trimMalloc hands freed C heap back to the system.
func trimMalloc() { C.malloc_trim(0) }
