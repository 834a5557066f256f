package harness

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TestJointCountsSharedPagesOnce: a file mapped twice (as the weft
// binary is by a node and its engine) adds its pages once to the joint
// reading's file pages, and each page it maps is counted.
func TestJointCountsSharedPagesOnce(t *testing.T) {
	const pages = 64
	path := filepath.Join(t.TempDir(), "shared")
	data := make([]byte, pages*pageSize)
	for i := range data {
		data[i] = byte(i)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mapTouched := func() []byte {
		m, err := syscall.Mmap(int(f.Fd()), 0, len(data), syscall.PROT_READ, syscall.MAP_SHARED)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = syscall.Munmap(m) })
		for i := 0; i < len(m); i += pageSize {
			sink += int(m[i]) // fault every page in
		}
		return m
	}
	s := &jointSampler{files: map[string]uint64{}}
	self := strconv.Itoa(os.Getpid())
	before, err := s.filePagesKiB([]string{self})
	if err != nil {
		t.Fatal(err)
	}
	mapTouched()
	once, err := s.filePagesKiB([]string{self})
	if err != nil {
		t.Fatal(err)
	}
	mapTouched()
	twice, err := s.filePagesKiB([]string{self})
	if err != nil {
		t.Fatal(err)
	}
	// The same process listed twice stands for two processes mapping
	// the same binary: still once.
	doubled, err := s.filePagesKiB([]string{self, self})
	if err != nil {
		t.Fatal(err)
	}
	want := int64(pages * pageSize / 1024)
	if got := once - before; got < want {
		t.Errorf("mapping a file of %d KiB and touching it added %d KiB of file pages", want, got)
	}
	// Other file pages of the test process may come and go a little
	// between readings; the second mapping must not add the file again.
	if got := twice - once; got >= want/2 {
		t.Errorf("a second mapping of the same file added %d KiB (the file is %d KiB): shared pages counted twice", got, want)
	}
	if doubled != twice {
		t.Errorf("the same process read twice gave %d KiB, once %d KiB", doubled, twice)
	}
}

var sink int // keeps the reads that fault pages in
