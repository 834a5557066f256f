package member

import (
	"errors"
	"testing"
)

func TestLogPending(t *testing.T) {
	f := newFixture(t)
	create := f.log.Ops()[0]
	a := f.sign("alice", &Op{Kind: KindRename, SpaceName: "a"})
	f.add(a)
	b := f.sign("alice", &Op{Kind: KindRename, SpaceName: "b"})
	f.add(b)

	l := NewLog(f.space)
	for _, op := range []*Op{b, a} {
		if err := l.Add(op); err != nil {
			t.Fatal(err)
		}
	}
	if l.Len() != 0 || !l.Has(a.ID()) || len(l.Missing()) != 1 || l.Missing()[0] != create.ID() {
		t.Fatalf("len %d, missing %x", l.Len(), l.Missing())
	}
	if _, ok := l.Get(a.ID()); ok {
		t.Fatal("Get returned a waiting operation")
	}
	if err := l.Add(create); err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 || len(l.Missing()) != 0 || len(l.Heads()) != 1 || l.Heads()[0] != b.ID() {
		t.Fatalf("after the create: len %d, missing %d, heads %x", l.Len(), len(l.Missing()), l.Heads())
	}
	if err := l.Add(a); err != nil || l.Len() != 3 {
		t.Fatalf("re-adding: %v, len %d", err, l.Len())
	}
}

func TestLogHeadsAndSince(t *testing.T) {
	f := newFixture(t)
	base := f.log.Heads()
	x := f.do("alice", &Op{Kind: KindRename, Follows: base, SpaceName: "x"})
	y := f.do("alice", &Op{Kind: KindRename, Follows: base, SpaceName: "y"})
	z := f.do("alice", &Op{Kind: KindRename, Follows: [][32]byte{x}, SpaceName: "z"})
	heads := f.log.Heads()
	if len(heads) != 2 || !(heads[0] == min32(y, z) && heads[1] == max32(y, z)) {
		t.Fatalf("heads %x", heads)
	}
	tests := []struct {
		name  string
		known [][32]byte
		want  int
	}{
		{"nothing known", nil, 4},
		{"create known", base, 3},
		{"x known", [][32]byte{x}, 2},
		{"all heads known", heads, 0},
		{"unknown id", [][32]byte{{1}}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.log.Since(tt.known); len(got) != tt.want {
				t.Fatalf("Since = %d ops, want %d", len(got), tt.want)
			}
		})
	}
}

func TestLogPendingLimit(t *testing.T) {
	f := newFixture(t)
	l := NewLog(f.space)
	var err error
	for i := 0; i <= MaxPending && err == nil; i++ {
		err = l.Add(f.sign("alice", &Op{Kind: KindRename, Follows: [][32]byte{{byte(i), byte(i >> 8)}}, SpaceName: "n"}))
	}
	if !errors.Is(err, ErrTooManyPending) {
		t.Fatalf("Add past MaxPending = %v", err)
	}
}

func min32(a, b [32]byte) [32]byte {
	if compareID(a, b) < 0 {
		return a
	}
	return b
}

func max32(a, b [32]byte) [32]byte {
	if compareID(a, b) < 0 {
		return b
	}
	return a
}
