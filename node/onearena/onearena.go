// Package onearena caps glibc's malloc at one arena in the process that
// imports it, before the Go runtime starts its threads (decision 0073).
//
// glibc gives each thread that first calls malloc an arena of its own, up
// to eight per core, and each arena keeps its own free pieces. A node's C
// heap is SQLite's (page caches, statements), and its calls run on
// whichever threads the Go scheduler gives them: at a serving node's peak
// 1.5 to 2.6 MiB of its 5 to 6 MiB of C heap was free in the arenas. One
// arena holds the same work in less. The engine runs with one arena
// already (MALLOC_ARENA_MAX=1 in its environment, decision 0046).
//
// The cap is set by a C constructor, which runs when the program is loaded:
// mallopt called from Go comes too late, as the runtime's threads have made
// arenas of their own by then (each thread that starts another calls
// malloc). A program that runs a node imports the package for that effect
// (weft, weftbench); a library does not. MALLOC_ARENA_MAX in the
// environment, when set, is left to rule.
package onearena

/*
#include <malloc.h>
#include <stdlib.h>

static int weft_one_arena;

__attribute__((constructor)) static void weft_cap_arenas(void) {
	if (getenv("MALLOC_ARENA_MAX") != NULL) {
		return;
	}
	weft_one_arena = mallopt(M_ARENA_MAX, 1) == 1;
}

static int weft_one_arena_set(void) { return weft_one_arena; }
*/
import "C"

// Capped reports whether the cap was set when the program was loaded: false
// when MALLOC_ARENA_MAX in the environment rules instead, or glibc refused.
func Capped() bool { return C.weft_one_arena_set() == 1 }
