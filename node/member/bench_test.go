package member

import (
	"fmt"
	"testing"
)

// benchLog builds a log in which alice admits n members, each with its own
// invite or all with one shared invite, and renames the space every tenth admission.
func benchLog(b *testing.B, n int, shared bool) *fixture {
	f := newFixture(b)
	inv, priv := f.invite("alice", RoleMember, MaxInviteUses, nil)
	for i := range n {
		name := fmt.Sprint("member", i)
		if shared {
			f.add(f.admitOp("alice", f.join(inv, priv, name)))
		} else {
			f.admit("alice", name, RoleMember)
		}
		if i%10 == 0 {
			f.do("alice", &Op{Kind: KindRename, SpaceName: fmt.Sprint("name", i)})
		}
	}
	return f
}

func BenchmarkRoster(b *testing.B) {
	for _, shared := range []bool{false, true} {
		for _, n := range []int{100, 500} {
			b.Run(fmt.Sprintf("%d members shared invite %v", n, shared), func(b *testing.B) {
				benchRoster(b, benchLog(b, n, shared))
			})
		}
	}
}

func benchRoster(b *testing.B, f *fixture) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.log.Roster(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAdd(b *testing.B) {
	f := benchLog(b, 1, false)
	op := f.sign("alice", &Op{Kind: KindRename, SpaceName: "bench"})
	for b.Loop() {
		l := NewLog(f.space)
		if err := l.Add(op); err != nil {
			b.Fatal(err)
		}
	}
}
