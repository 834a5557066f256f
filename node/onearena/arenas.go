package onearena

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// weft_count_arenas counts the arenas malloc_info reports (one <heap nr=
// element each), or returns -1.
static int weft_count_arenas(void) {
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) {
		return -1;
	}
	if (malloc_info(0, f) != 0) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) {
		n++;
	}
	free(buf);
	return n;
}
*/
import "C"

import "unsafe"

// arenas returns how many arenas glibc's malloc has made in this process
// (for the tests).
func arenas() int { return int(C.weft_count_arenas()) }

// cAlloc and cFree call C's malloc and free on the calling thread (for the
// tests).
func cAlloc(n int) unsafe.Pointer { return C.malloc(C.size_t(n)) }
func cFree(p unsafe.Pointer)      { C.free(p) }
