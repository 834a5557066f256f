package engine

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// DropBinaryPages unmaps from this process the pages of its executable's
// read-only mappings (code and read-only data) that it never wrote to,
// and marks those mappings MADV_RANDOM, so that a page it uses again is
// mapped alone (decisions 0041 and 0057). It returns the bytes that were
// resident in those mappings. A mapping with pages of its own (relocated
// data) is left alone. The pages come back from the page cache at their
// next use.
func DropBinaryPages() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("find executable: %w", err)
	}
	regions, err := binaryRegions(exe)
	if err != nil {
		return 0, err
	}
	var dropped int64
	for _, r := range regions {
		for _, advice := range []uintptr{syscall.MADV_RANDOM, syscall.MADV_DONTNEED} {
			if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, r.start, r.end-r.start, advice); errno != 0 {
				return dropped, fmt.Errorf("madvise: %w", errno)
			}
		}
		dropped += r.rss
	}
	return dropped, nil
}

// ShrinkBinaryPages makes this process hold only the pages of its
// executable that it uses (decision 0057): DropBinaryPages, then the
// page cache lets go of the executable's pages that no process maps
// (POSIX_FADV_DONTNEED). Read back at their next use under MADV_RANDOM,
// they come one 4 KiB page at a time, without readahead. Read with
// readahead (the kernel's, up to the disk's read_ahead_kb: 8 MiB on the
// machine of docs/performance.md), the binary sits in the page cache in
// large folios, and a fault maps a whole folio, or the 64 KiB around the
// page: a node then held 30 to 35 MiB of its 35 MiB of code and
// read-only data. Call it once the process has started, before its work:
// a page used again is read from the disk (about 0.15 ms on that
// machine). Other processes lose nothing they map. It returns the bytes
// that were resident in those mappings.
func ShrinkBinaryPages() (int64, error) {
	dropped, err := DropBinaryPages()
	if err != nil {
		return dropped, err
	}
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		return dropped, fmt.Errorf("open executable: %w", err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return dropped, fmt.Errorf("fadvise: %w", err)
	}
	return dropped, nil
}

type binaryRegion struct {
	start, end uintptr
	rss        int64
}

// binaryRegions lists exe's read-only mappings with no anonymous pages,
// from /proc/self/smaps.
func binaryRegions(exe string) ([]binaryRegion, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []binaryRegion
	var cur *binaryRegion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			cur = nil
			if len(fields) == 6 && fields[5] == exe && (fields[1] == "r-xp" || fields[1] == "r--p") {
				lo, hi, _ := strings.Cut(fields[0], "-")
				start, err1 := strconv.ParseUint(lo, 16, 64)
				end, err2 := strconv.ParseUint(hi, 16, 64)
				if err1 == nil && err2 == nil && end > start {
					out = append(out, binaryRegion{start: uintptr(start), end: uintptr(end), rss: -1})
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
