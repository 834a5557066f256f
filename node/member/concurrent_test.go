package member

import (
	"math/rand/v2"
	"testing"
)

// replayIn adds ops to a fresh log in the given order and returns its roster.
func replayIn(t *testing.T, space string, ops []*Op) (*Log, *Roster) {
	t.Helper()
	l := NewLog(space)
	for _, op := range ops {
		if err := l.Add(op); err != nil {
			t.Fatalf("add %s: %v", op.Kind, err)
		}
	}
	if m := l.Missing(); len(m) != 0 {
		t.Fatalf("missing %d after adding everything", len(m))
	}
	r, err := l.Roster()
	if err != nil {
		t.Fatal(err)
	}
	return l, r
}

func reversed(ops []*Op) []*Op {
	out := make([]*Op, len(ops))
	for i, op := range ops {
		out[len(ops)-1-i] = op
	}
	return out
}

func TestStewardsRemoveEachOther(t *testing.T) {
	f := newFixture(t)
	f.admit("alice", "bob", RoleSteward)
	f.admit("alice", "carol", RoleMember)
	heads := f.log.Heads()
	byAlice := f.do("alice", &Op{Kind: KindRemove, Follows: heads, Target: key("bob")})
	byBob := f.do("bob", &Op{Kind: KindRemove, Follows: heads, Target: key("alice")})
	winner, loser, survivor := byAlice, byBob, "alice"
	if compareID(byBob, byAlice) < 0 {
		winner, loser, survivor = byBob, byAlice, "bob"
	}
	for _, order := range []struct {
		name string
		ops  []*Op
	}{{"log order", f.log.Ops()}, {"reversed", reversed(f.log.Ops())}} {
		t.Run(order.name, func(t *testing.T) {
			_, r := replayIn(t, f.space, order.ops)
			wantReason(t, r, winner, nil)
			wantReason(t, r, loser, ErrNotMember)
			if r.Role(key(survivor)) != RoleSteward || r.stewards() != 1 || !r.IsMember(key("carol")) {
				t.Fatalf("want %s the only steward, carol a member: %+v", survivor, r.Members())
			}
		})
	}
}

func TestConcurrentOveruseLowestIDWins(t *testing.T) {
	f := newFixture(t)
	f.admit("alice", "dave", RoleMember)
	inv, priv := f.invite("alice", RoleMember, 1, nil)
	heads := f.log.Heads()
	a := f.add(f.sign("alice", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "bob")}))
	b := f.add(f.sign("dave", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "carol")}))
	low, high := a, b
	if compareID(b, a) < 0 {
		low, high = b, a
	}
	r := f.roster()
	wantReason(t, r, low, nil)
	wantReason(t, r, high, ErrInviteOverused)
	if len(r.Members()) != 3 {
		t.Fatalf("want 3 members, got %d", len(r.Members()))
	}
}

// TestOveruseLowerIDReplayedLater builds a log where the admission with the
// higher ID is replayed first: the lower ID must still win.
func TestOveruseLowerIDReplayedLater(t *testing.T) {
	for try := range 2000 {
		f := newFixture(t)
		inv, priv := f.invite("alice", RoleMember, 1, nil)
		heads := f.log.Heads()
		x := f.sign("alice", &Op{Kind: KindRename, Follows: heads, SpaceName: "x", Time: t0 + int64(try) + 10})
		low := f.sign("alice", &Op{Kind: KindAdmit, Follows: [][32]byte{x.ID()}, Join: f.join(inv, priv, "bob")})
		high := f.sign("alice", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "carol")})
		if compareID(high.ID(), x.ID()) > 0 || compareID(low.ID(), high.ID()) > 0 {
			continue // not the shape under test
		}
		f.add(x)
		f.add(low)
		f.add(high)
		r := f.roster()
		wantReason(t, r, low.ID(), nil)
		wantReason(t, r, high.ID(), ErrInviteOverused)
		return
	}
	t.Fatal("no log of the wanted shape found")
}

func TestConcurrentDuplicateAdmissionKeepsUse(t *testing.T) {
	f := newFixture(t)
	f.admit("alice", "dave", RoleMember)
	inv, priv := f.invite("alice", RoleMember, 2, nil)
	heads := f.log.Heads()
	f.add(f.sign("alice", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "bob")}))
	f.add(f.sign("dave", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "bob")}))
	f.add(f.sign("dave", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "carol")}))
	r := f.roster()
	if !r.IsMember(key("bob")) || !r.IsMember(key("carol")) {
		t.Fatalf("bob admitted twice must use one use only: %v", r.Invalid())
	}
}

// richLog builds a log with branches, removals, rotations and refused ops.
func richLog(t testing.TB) *fixture {
	f := newFixture(t)
	f.admit("alice", "bob", RoleSteward)
	f.admit("bob", "carol", RoleMember)
	heads := f.log.Heads()
	f.do("alice", &Op{Kind: KindRemove, Follows: heads, Target: key("bob")})
	f.do("bob", &Op{Kind: KindRemove, Follows: heads, Target: key("alice")})
	inv, priv := f.invite("alice", RoleMember, 1, nil)
	f.add(f.sign("carol", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "dave")}))
	f.add(f.sign("alice", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "erin")}))
	f.do("carol", &Op{Kind: KindRename, SpaceName: "by carol"})
	f.do("alice", &Op{Kind: KindRotate, Recipients: []Recipient{{Member: key("alice"), Sealed: []byte("k")}}})
	f.admit("alice", "frank", RoleMember)
	f.do("frank", &Op{Kind: KindLeave})
	return f
}

func TestSameLogAnyOrder(t *testing.T) {
	f := richLog(t)
	want := f.roster()
	wantOrder := f.log.Ops()
	if len(want.Invalid()) == 0 {
		t.Fatal("rich log has no refused operation: weak test")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		ops := f.log.Ops()
		rng.Shuffle(len(ops), func(a, b int) { ops[a], ops[b] = ops[b], ops[a] })
		l, r := replayIn(t, f.space, ops)
		sameRoster(t, want, r)
		got := l.Ops()
		for j := range got {
			if got[j].ID() != wantOrder[j].ID() {
				t.Fatalf("shuffle %d: replay order differs at %d", i, j)
			}
		}
	}
}

// TestRevokeReplayedFirstButConcurrent makes the concurrent revocation
// replay before the admission: it still must not stop it.
func TestRevokeReplayedFirstButConcurrent(t *testing.T) {
	f := newFixture(t)
	inv, priv := f.invite("alice", RoleMember, 5, nil)
	heads := f.log.Heads()
	admit := f.sign("alice", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "bob")})
	for try := range 1000 {
		revoke := f.sign("alice", &Op{Kind: KindRevokeInvite, Follows: heads, InviteID: inv.InviteID, Time: t0 + int64(try) + 1})
		if compareID(revoke.ID(), admit.ID()) > 0 {
			continue
		}
		f.add(revoke)
		f.add(admit)
		later := f.add(f.admitOp("alice", f.join(inv, priv, "carol")))
		r := f.roster()
		wantReason(t, r, admit.ID(), nil)
		wantReason(t, r, later, ErrInviteRevoked)
		return
	}
	t.Fatal("no log of the wanted shape found")
}

// TestOveruseLaterLowerIDLoses: an admission that follows another of the
// same invite never takes its use, whatever their IDs.
func TestOveruseLaterLowerIDLoses(t *testing.T) {
	f := newFixture(t)
	inv, priv := f.invite("alice", RoleMember, 1, nil)
	first := f.add(f.admitOp("alice", f.join(inv, priv, "bob")))
	for try := range 1000 {
		later := f.sign("alice", &Op{Kind: KindAdmit, Time: t0 + int64(try) + 1, Follows: [][32]byte{first},
			Join: f.join(inv, priv, "carol")})
		if compareID(later.ID(), first) > 0 {
			continue
		}
		f.add(later)
		r := f.roster()
		wantReason(t, r, first, nil)
		wantReason(t, r, later.ID(), ErrInviteOverused)
		return
	}
	t.Fatal("no log of the wanted shape found")
}
