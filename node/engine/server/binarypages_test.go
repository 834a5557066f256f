package server

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/weftsync/weft/node/engine"
)

// TestShrinkBinaryPagesMapsPagesAlone: after engine.ShrinkBinaryPages, a
// page of the binary's read-only data read again is mapped alone, not
// with the large folio or the 64 KiB around it that the kernel's
// readahead and fault-around would map (decision 0057). It reads one byte
// in each of 32 pages 64 KiB apart and allows 512 KiB more for the pages
// the runtime reads meanwhile; a whole folio or a 64 KiB window per read
// would be 2 MiB or more.
func TestShrinkBinaryPagesMapsPagesAlone(t *testing.T) {
	readWithReadahead(t)
	if _, err := engine.ShrinkBinaryPages(); err != nil {
		t.Fatal(err)
	}
	start, end := largestReadOnlyMapping(t)
	const reads, apart = 32, 64 << 10
	if end-start < reads*apart {
		t.Skipf("read-only data of %d bytes: too small for %d reads %d apart", end-start, reads, apart)
	}
	// A string constant is read-only data: the reads go from it.
	base := unsafe.StringData(readOnlyMark)
	at := uintptr(unsafe.Pointer(base))
	if uint64(at) < start || uint64(at) >= end {
		t.Skipf("the constant is at %x, outside %x-%x", at, start, end)
	}
	before := mappingRSS(t, start)
	var sum byte
	for i := range uint64(reads) {
		sum += *(*byte)(unsafe.Add(unsafe.Pointer(base), int(start+i*apart+100)-int(at)))
	}
	grew := mappingRSS(t, start) - before
	t.Logf("%d reads mapped %d KiB more (%d)", reads, grew>>10, sum)
	if limit := int64(reads*4<<10 + 512<<10); grew > limit {
		t.Fatalf("%d reads of one page each mapped %d KiB more (limit %d KiB)", reads, grew>>10, limit>>10)
	}
}

// readWithReadahead puts the executable in the page cache as a process
// start does, in large folios: the cache lets go of what no process
// maps, then a mapping of the file is read through, a byte every 64 KiB,
// with the kernel's readahead.
func readWithReadahead(t *testing.T) {
	t.Helper()
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	var sum byte
	for i := 0; i < len(m); i += 64 << 10 {
		sum += m[i]
	}
	t.Logf("read the executable (%d)", sum)
}

// readOnlyMark is a string constant, which the linker puts in the
// executable's read-only data.
const readOnlyMark = "a string constant in the binary's read-only data"

// largestReadOnlyMapping returns the bounds of the executable's largest
// read-only data mapping (r--p).
func largestReadOnlyMapping(t *testing.T) (start, end uint64) {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 6 || fields[5] != exe || fields[1] != "r--p" {
			continue
		}
		lo, hi, _ := strings.Cut(fields[0], "-")
		s, err1 := strconv.ParseUint(lo, 16, 64)
		e, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil && e-s > end-start {
			start, end = s, e
		}
	}
	if end == 0 {
		t.Fatal("no read-only mapping of the executable")
	}
	return start, end
}

// mappingRSS returns the resident bytes of the mapping that starts at
// start, from /proc/self/smaps.
func mappingRSS(t *testing.T, start uint64) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prefix := fmt.Sprintf("%08x-", start)
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, prefix) {
			in = true
			continue
		}
		if kb, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(kb), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n << 10
		}
	}
	t.Fatalf("no mapping at %x", start)
	return 0
}
