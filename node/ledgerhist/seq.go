package ledgerhist

import "math"

// labelGap is the spacing of order labels after a relabel or an append.
const labelGap = 1 << 32

// elem is one element of a list or text, kept after deletion (a tombstone)
// because later inserts may refer to it.
type elem struct {
	id         opID
	seq        *sequence
	slot       slot
	prev, next *elem
	label      uint64 // increases along the sequence
}

// sequence is a list or text's elements in Automerge's order (RGA).
type sequence struct {
	head elem // sentinel before the first element; label 0
	n    int
}

// insert places e after ref (nil: at the start) as Automerge does: past
// every following element with a greater op ID, which is a concurrent
// insert at the same place or one after it.
func (s *sequence) insert(ref, e *elem) {
	p := &s.head
	if ref != nil {
		p = ref
	}
	for p.next != nil && p.next.id.compare(e.id) > 0 {
		p = p.next
	}
	e.prev, e.next = p, p.next
	if p.next != nil {
		p.next.prev = e
	}
	p.next = e
	s.n++
	s.label(e)
}

// label gives e a label between its neighbours', relabelling the whole
// sequence when there is no room.
func (s *sequence) label(e *elem) {
	lo := e.prev.label
	switch {
	case e.next == nil && lo <= math.MaxUint64-labelGap:
		e.label = lo + labelGap
	case e.next != nil && e.next.label-lo >= 2:
		e.label = lo + (e.next.label-lo)/2
	default:
		s.relabel()
	}
}

// relabel spaces every label evenly: O(n), needed only after about 32
// inserts at one place.
func (s *sequence) relabel() {
	gap := uint64(labelGap)
	if uint64(s.n) >= math.MaxUint64/gap {
		gap = math.MaxUint64 / uint64(s.n+1)
	}
	var l uint64
	for e := s.head.next; e != nil; e = e.next {
		l += gap
		e.label = l
	}
}
