package server

/*
#include <malloc.h>
*/
import "C"

// setMmapThreshold sets, for TestLoadProbe, glibc's mmap threshold to n bytes (which also
// turns its dynamic adjustment off) and reports whether glibc took it.
func setMmapThreshold(n int) bool { return C.mallopt(C.M_MMAP_THRESHOLD, C.int(n)) == 1 }
