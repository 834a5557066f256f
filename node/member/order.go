package member

import (
	"container/heap"
	"slices"
)

// Ops returns the log's operations in its replay order: every operation
// after the ones it follows, and among those ready at once the lowest ID
// first. Every node holding the same set computes the same order. The
// caller must not modify the operations.
func (l *Log) Ops() []*Op {
	ids := l.order()
	out := make([]*Op, len(ids))
	for i, id := range ids {
		out[i] = l.ops[id]
	}
	return out
}

// order returns the IDs of the complete operations in replay order
// (Kahn's algorithm with a min-heap of ready IDs).
func (l *Log) order() [][32]byte {
	waiting := make(map[[32]byte]int, len(l.ops))
	children := make(map[[32]byte][][32]byte, len(l.ops))
	ready := &idHeap{}
	for id, op := range l.ops {
		waiting[id] = len(op.Follows)
		for _, f := range op.Follows {
			children[f] = append(children[f], id)
		}
		if len(op.Follows) == 0 {
			heap.Push(ready, id)
		}
	}
	out := make([][32]byte, 0, len(l.ops))
	for ready.Len() > 0 {
		id := heap.Pop(ready).([32]byte)
		out = append(out, id)
		for _, c := range children[id] {
			if waiting[c]--; waiting[c] == 0 {
				heap.Push(ready, c)
			}
		}
	}
	return out
}

// Heads returns, in ascending order, the IDs of the operations no other
// operation in the log follows: what a new operation follows.
func (l *Log) Heads() [][32]byte {
	followed := make(map[[32]byte]bool, len(l.ops))
	for _, op := range l.ops {
		for _, f := range op.Follows {
			followed[f] = true
		}
	}
	var out [][32]byte
	for id := range l.ops {
		if !followed[id] {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, compareID)
	return out
}

// Since returns, in replay order, the operations that are neither among
// known nor followed by them, directly or not: what a peer whose heads are
// known lacks. IDs in known that the log does not hold are ignored.
func (l *Log) Since(known [][32]byte) []*Op {
	seen := l.ancestors(known...)
	var out []*Op
	for _, id := range l.order() {
		if !seen[id] {
			out = append(out, l.ops[id])
		}
	}
	return out
}

// ancestors returns the held operations among ids and every operation they
// follow, directly or not.
func (l *Log) ancestors(ids ...[32]byte) map[[32]byte]bool {
	seen := make(map[[32]byte]bool)
	stack := slices.Clone(ids)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		op, ok := l.ops[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		stack = append(stack, op.Follows...)
	}
	return seen
}

// idHeap is a min-heap of operation IDs.
type idHeap [][32]byte

func (h idHeap) Len() int           { return len(h) }
func (h idHeap) Less(i, j int) bool { return compareID(h[i], h[j]) < 0 }
func (h idHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idHeap) Push(x any)        { *h = append(*h, x.([32]byte)) }
func (h *idHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
