package server

import "testing"

// TestMmapThresholdStaysFixed: once the engine fixed glibc's mmap
// threshold, a large block freed does not raise it (left dynamic, glibc
// would serve the next blocks below that size from the main heap, where
// freed they leave holes no trim returns): a 1 MiB block after a 4 MiB
// one is still its own mapping.
func TestMmapThresholdStaysFixed(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector replaces glibc's malloc; run without -race")
	}
	if !fixMmapThreshold() {
		t.Fatal("glibc refused the mmap threshold")
	}
	big := cBlock(4 << 20)
	cFree(big) // a dynamic threshold would now be 4 MiB
	before := mappedBytes()
	p := cBlock(1 << 20)
	defer cFree(p)
	if got := mappedBytes() - before; got < 1<<20 {
		t.Fatalf("a 1 MiB block after freeing a 4 MiB one added %d bytes of mapped blocks: it came from the main heap", got)
	}
}
