package member

// ancestry answers, for one replay, whether an operation follows another
// directly or not. Ancestor sets are bitsets over replay positions, computed
// on demand and kept: n/8 bytes per operation asked about.
type ancestry struct {
	log  *Log
	pos  map[[32]byte]int
	sets map[[32]byte][]uint64
}

// newAncestry indexes the operations by their position in order.
func newAncestry(l *Log, order [][32]byte) *ancestry {
	pos := make(map[[32]byte]int, len(order))
	for i, id := range order {
		pos[id] = i
	}
	return &ancestry{log: l, pos: pos, sets: map[[32]byte][]uint64{}}
}

// has reports whether anc is id or an operation id follows, directly or not.
func (a *ancestry) has(id, anc [32]byte) bool {
	i, ok := a.pos[anc]
	return ok && a.of(id)[i/64]&(1<<(i%64)) != 0
}

// of returns the bitset of id and its ancestors.
func (a *ancestry) of(id [32]byte) []uint64 {
	if s, ok := a.sets[id]; ok {
		return s
	}
	s := make([]uint64, (len(a.pos)+63)/64)
	stack := [][32]byte{id}
	for len(stack) > 0 {
		next := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i := a.pos[next]
		if s[i/64]&(1<<(i%64)) != 0 {
			continue
		}
		s[i/64] |= 1 << (i % 64)
		stack = append(stack, a.log.ops[next].Follows...)
	}
	a.sets[id] = s
	return s
}
