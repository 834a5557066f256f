package server

/*
#include <malloc.h>
#include <stdlib.h>
*/
import "C"

import "unsafe"

// mappedBytes returns the bytes of the C heap held in blocks that have
// their own mapping (mallinfo2's hblkhd): blocks at or above the mmap
// threshold, which go back to the system when freed.
func mappedBytes() int64 { return int64(C.mallinfo2().hblkhd) }

// cBlock and cFree allocate and free C heap as the core does, for the
// tests of the heap's policy (fixMmapThreshold).
func cBlock(n int) unsafe.Pointer { return C.malloc(C.size_t(n)) }
func cFree(p unsafe.Pointer)      { C.free(p) }
