package onearena

import (
	"os"
	"runtime"
	"sync"
	"testing"
)

// TestOneArenaAcrossThreads: with the cap set at load, C allocations made
// at once on many OS threads all come from one arena.
func TestOneArenaAcrossThreads(t *testing.T) {
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		t.Skip("MALLOC_ARENA_MAX is set: the environment rules")
	}
	if !Capped() {
		t.Fatal("the cap was not set at load")
	}
	const threads = 8
	var ready, release sync.WaitGroup
	ready.Add(threads)
	release.Add(1)
	var wg sync.WaitGroup
	for range threads {
		wg.Add(1)
		go func() { // joined by wg below
			defer wg.Done()
			runtime.LockOSThread() // held until the goroutine ends: its thread goes with it
			p := cAlloc(4 << 10)   // held while the others allocate, so no thread reuses another's chunk
			ready.Done()
			release.Wait()
			cFree(p)
		}()
	}
	ready.Wait()
	n := arenas()
	release.Done()
	wg.Wait()
	if n != 1 {
		t.Fatalf("malloc made %d arenas on %d threads; want 1", n, threads)
	}
}
