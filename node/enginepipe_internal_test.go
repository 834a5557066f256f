package node

import "testing"

// TestEnginePipeReady: the pipe hands the engine pipeFirst new documents
// when it has at most one call to work on, and waits for a whole group of
// pipeGroup while two or more are outstanding.
func TestEnginePipeReady(t *testing.T) {
	p := &enginePipe{}
	if p.ready(pipeFirst-1) || !p.ready(pipeFirst) {
		t.Fatalf("idle engine: want ready at %d documents, not before", pipeFirst)
	}
	a, b := &manyCall{done: make(chan struct{})}, &manyCall{done: make(chan struct{})}
	p.calls = []*manyCall{a}
	if !p.ready(pipeFirst) {
		t.Fatal("one call outstanding: the next group should be queued behind it")
	}
	p.calls = append(p.calls, b)
	if p.ready(pipeFirst) || p.ready(pipeGroup-1) || !p.ready(pipeGroup) {
		t.Fatalf("two calls outstanding: want a whole group of %d", pipeGroup)
	}
	close(a.done)
	if !p.ready(pipeFirst) || p.done != 1 {
		t.Fatalf("after the first call returned: done = %d; want ready and 1", p.done)
	}
	close(b.done)
	if !p.ready(pipeFirst) || p.done != 2 {
		t.Fatalf("after both returned: done = %d, want 2", p.done)
	}
}
