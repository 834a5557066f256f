package member

import (
	"testing"
)

// ruleCase builds a log and names the operation whose validity it tests.
type ruleCase struct {
	name  string
	setup func(f *fixture) [32]byte
	want  error // nil: the operation is valid
	check func(t *testing.T, r *Roster)
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			id := tc.setup(f)
			r := f.roster()
			wantReason(t, r, id, tc.want)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	f := newFixture(t)
	r := f.roster()
	m, ok := r.Member(key("alice"))
	if !ok || m.Role != RoleSteward || m.Name != "Alice" || r.Name() != "Coalition" || len(r.Members()) != 1 {
		t.Fatalf("roster after create: %+v %q", r.Members(), r.Name())
	}
	if r.Epoch().ID != f.log.Heads()[0] || r.NeedsRotation() {
		t.Fatal("first epoch is not the create operation")
	}
	if _, err := NewLog(f.space).Roster(); err != ErrNoCreate {
		t.Fatalf("empty log: %v", err)
	}
}

func TestDuplicateCreate(t *testing.T) {
	f := newFixture(t)
	again := &Op{Version: OpVersion, Space: f.space, Kind: KindCreate, Salt: f.salt, SpaceName: "Fork",
		Name: "Alice", X25519: x25519("alice"), Time: t0 + 5,
		Recipients: []Recipient{{Member: key("alice"), Sealed: []byte("k")}}}
	f.do("alice", again)
	r := f.roster()
	ops := f.log.Ops()
	if len(ops) != 2 || ops[0].ID() == ops[1].ID() {
		t.Fatalf("want two create operations, got %d", len(ops))
	}
	wantReason(t, r, ops[0].ID(), nil)
	wantReason(t, r, ops[1].ID(), ErrDuplicateCreate)
	if compareID(ops[0].ID(), ops[1].ID()) > 0 || r.Name() != ops[0].SpaceName {
		t.Fatalf("the lower ID create must stand: name %q", r.Name())
	}
}

func TestAdmit(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "by steward", setup: func(f *fixture) [32]byte { return f.admit("alice", "bob", RoleMember) },
			check: func(t *testing.T, r *Roster) {
				m, ok := r.Member(key("bob"))
				if !ok || m.Role != RoleMember || m.Name != "bob" || !m.AdmittedBy.Equal(key("alice")) {
					t.Fatalf("bob: %+v", m)
				}
			}},
		{name: "steward invite", setup: func(f *fixture) [32]byte { return f.admit("alice", "bob", RoleSteward) },
			check: func(t *testing.T, r *Roster) {
				if r.Role(key("bob")) != RoleSteward {
					t.Fatal("bob is not a steward")
				}
			}},
		{name: "by plain member", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.admit("bob", "carol", RoleMember)
		}},
		{name: "by non-member", setup: func(f *fixture) [32]byte {
			return f.admit("mallory", "carol", RoleMember)
		}, want: ErrNotMember},
		{name: "token signer not a steward", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			inv, priv := f.invite("bob", RoleMember, 1, nil)
			return f.add(f.admitOp("bob", f.join(inv, priv, "carol")))
		}, want: ErrNotSteward},
		{name: "token signer demoted before admission", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleSteward)
			inv, priv := f.invite("bob", RoleMember, 1, nil)
			f.do("alice", &Op{Kind: KindRole, Target: key("bob"), Role: RoleMember})
			return f.add(f.admitOp("alice", f.join(inv, priv, "carol")))
		}, want: ErrNotSteward},
		{name: "expired", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			f.now = inv.Expires + 1
			return f.add(f.admitOp("alice", f.join(inv, priv, "bob")))
		}, want: ErrInviteExpired},
		{name: "at expiry", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			return f.add(f.sign("alice", &Op{Kind: KindAdmit, Time: inv.Expires, Join: f.join(inv, priv, "bob")}))
		}},
		{name: "back-dated under follows", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			f.do("alice", &Op{Kind: KindRename, SpaceName: "Later", Time: inv.Expires + 3_600_000})
			return f.add(f.sign("alice", &Op{Kind: KindAdmit, Time: inv.Expires, Join: f.join(inv, priv, "bob")}))
		}, want: ErrTimeTooEarly},
		{name: "within clock skew of follows", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			f.do("alice", &Op{Kind: KindRename, SpaceName: "Later", Time: inv.Expires + MaxClockSkew})
			return f.add(f.sign("alice", &Op{Kind: KindAdmit, Time: inv.Expires, Join: f.join(inv, priv, "bob")}))
		}},
		{name: "used up", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			f.add(f.admitOp("alice", f.join(inv, priv, "bob")))
			return f.add(f.admitOp("alice", f.join(inv, priv, "carol")))
		}, want: ErrInviteOverused, check: func(t *testing.T, r *Roster) {
			if r.IsMember(key("carol")) {
				t.Fatal("carol admitted past the invite's uses")
			}
		}},
		{name: "second of two uses", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 2, nil)
			f.add(f.admitOp("alice", f.join(inv, priv, "bob")))
			return f.add(f.admitOp("alice", f.join(inv, priv, "carol")))
		}},
		{name: "revoked before", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 5, nil)
			f.do("alice", &Op{Kind: KindRevokeInvite, InviteID: inv.InviteID})
			return f.add(f.admitOp("alice", f.join(inv, priv, "bob")))
		}, want: ErrInviteRevoked},
		{name: "revoked concurrently", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 5, nil)
			heads := f.log.Heads()
			f.do("alice", &Op{Kind: KindRevokeInvite, InviteID: inv.InviteID})
			return f.add(f.sign("alice", &Op{Kind: KindAdmit, Follows: heads, Join: f.join(inv, priv, "bob")}))
		}},
		{name: "revoked by a non-steward", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			inv, priv := f.invite("alice", RoleMember, 5, nil)
			f.do("bob", &Op{Kind: KindRevokeInvite, InviteID: inv.InviteID})
			return f.add(f.admitOp("alice", f.join(inv, priv, "carol")))
		}},
		{name: "already a member", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.admit("alice", "bob", RoleMember)
		}, want: ErrAlreadyMember},
		{name: "proof replayed after removal", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 5, nil)
			j := f.join(inv, priv, "bob")
			f.add(f.admitOp("alice", j))
			f.do("alice", &Op{Kind: KindRemove, Target: key("bob")})
			return f.add(f.admitOp("alice", j))
		}, want: ErrProofReplayed},
		{name: "readmitted with a fresh proof", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			f.do("alice", &Op{Kind: KindRemove, Target: key("bob")})
			return f.admit("alice", "bob", RoleMember)
		}},
		{name: "bound to the joiner", setup: func(f *fixture) [32]byte {
			inv, priv := f.invite("alice", RoleMember, 1, key("bob"))
			return f.add(f.admitOp("alice", f.join(inv, priv, "bob")))
		}},
	})
}

func TestRole(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "steward promotes", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.do("alice", &Op{Kind: KindRole, Target: key("bob"), Role: RoleSteward})
		}, check: func(t *testing.T, r *Roster) {
			if r.Role(key("bob")) != RoleSteward {
				t.Fatal("bob not promoted")
			}
		}},
		{name: "member promotes itself", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.do("bob", &Op{Kind: KindRole, Target: key("bob"), Role: RoleSteward})
		}, want: ErrNotSteward},
		{name: "last steward steps down", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.do("alice", &Op{Kind: KindRole, Target: key("alice"), Role: RoleMember})
		}, want: ErrLastSteward},
		{name: "steward hands over and steps down", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			f.do("alice", &Op{Kind: KindRole, Target: key("bob"), Role: RoleSteward})
			return f.do("alice", &Op{Kind: KindRole, Target: key("alice"), Role: RoleMember})
		}, check: func(t *testing.T, r *Roster) {
			if r.Role(key("alice")) != RoleMember || r.Role(key("bob")) != RoleSteward {
				t.Fatal("handover not applied")
			}
		}},
		{name: "no change", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.do("alice", &Op{Kind: KindRole, Target: key("bob"), Role: RoleMember})
		}, want: ErrNoChange},
		{name: "target not a member", setup: func(f *fixture) [32]byte {
			return f.do("alice", &Op{Kind: KindRole, Target: key("zed"), Role: RoleSteward})
		}, want: ErrNotMember},
	})
}

func TestRemoveAndLeave(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "steward removes member", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			actor := append(actorPrefix("bob"), 1, 2, 3, 4, 5, 6, 7, 8)
			return f.do("alice", &Op{Kind: KindRemove, Target: key("bob"),
				Cut: map[string][]ActorCut{"doc1": {{Actor: actor, MaxSeq: 7}}}})
		}, check: func(t *testing.T, r *Roster) {
			cuts := r.Cuts()
			if r.IsMember(key("bob")) || len(cuts) != 1 || !cuts[0].Member.Equal(key("bob")) || cuts[0].Docs["doc1"][0].MaxSeq != 7 {
				t.Fatalf("after removal: member %v, cuts %+v", r.IsMember(key("bob")), cuts)
			}
		}},
		{name: "member removes", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			f.admit("alice", "carol", RoleMember)
			return f.do("bob", &Op{Kind: KindRemove, Target: key("carol")})
		}, want: ErrNotSteward},
		{name: "steward removes itself", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleSteward)
			return f.do("alice", &Op{Kind: KindRemove, Target: key("alice")})
		}, want: ErrNoChange},
		{name: "removed member acts", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleSteward)
			f.do("alice", &Op{Kind: KindRemove, Target: key("bob")})
			return f.do("bob", &Op{Kind: KindRename, SpaceName: "Bob's"})
		}, want: ErrNotMember},
		{name: "member leaves", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.do("bob", &Op{Kind: KindLeave})
		}, check: func(t *testing.T, r *Roster) {
			if r.IsMember(key("bob")) || len(r.Cuts()) != 0 {
				t.Fatal("bob still a member, or a cut without one")
			}
		}},
		{name: "last steward leaves", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleMember)
			return f.do("alice", &Op{Kind: KindLeave})
		}, want: ErrLastSteward},
		{name: "one of two stewards leaves", setup: func(f *fixture) [32]byte {
			f.admit("alice", "bob", RoleSteward)
			return f.do("alice", &Op{Kind: KindLeave})
		}},
		{name: "non-member leaves", setup: func(f *fixture) [32]byte {
			return f.do("zed", &Op{Kind: KindLeave})
		}, want: ErrNotMember},
	})
}

func TestStewardOnly(t *testing.T) {
	kinds := []struct {
		name string
		op   func() *Op
	}{
		{"rotate", func() *Op {
			return &Op{Kind: KindRotate, Recipients: []Recipient{{Member: key("alice"), Sealed: []byte("k2")}}}
		}},
		{"revoke invite", func() *Op { return &Op{Kind: KindRevokeInvite, InviteID: "aaaaaaaaaaaaaaaaaaaaaaaaaa"} }},
		{"set relays", func() *Op { return &Op{Kind: KindSetRelays, Relays: []string{"/ip4/192.0.2.1/tcp/4040"}} }},
		{"rename", func() *Op { return &Op{Kind: KindRename, SpaceName: "Renamed"} }},
	}
	var cases []ruleCase
	for _, k := range kinds {
		cases = append(cases,
			ruleCase{name: k.name + " by steward", setup: func(f *fixture) [32]byte { return f.do("alice", k.op()) }},
			ruleCase{name: k.name + " by member", setup: func(f *fixture) [32]byte {
				f.admit("alice", "bob", RoleMember)
				return f.do("bob", k.op())
			}, want: ErrNotSteward},
			ruleCase{name: k.name + " by stranger", setup: func(f *fixture) [32]byte { return f.do("zed", k.op()) }, want: ErrNotMember},
		)
	}
	runRules(t, cases)
}

func TestStewardOpsApply(t *testing.T) {
	f := newFixture(t)
	f.admit("alice", "bob", RoleMember)
	rot := f.do("alice", &Op{Kind: KindRotate, Recipients: []Recipient{
		{Member: key("alice"), Sealed: []byte("k2a")}, {Member: key("bob"), Sealed: []byte("k2b")}}})
	f.do("alice", &Op{Kind: KindSetRelays, Relays: []string{"/dns4/relay.example/tcp/4040"}})
	f.do("alice", &Op{Kind: KindRename, SpaceName: "Renamed"})
	r := f.roster()
	if r.Epoch().ID != rot || len(r.Epochs()) != 2 || r.Relays()[0] != "/dns4/relay.example/tcp/4040" || r.Name() != "Renamed" {
		t.Fatalf("epoch %x, relays %v, name %q", r.Epoch().ID, r.Relays(), r.Name())
	}
	if r.NeedsRotation() {
		t.Fatal("needs rotation with every recipient a member")
	}
	f.do("bob", &Op{Kind: KindLeave})
	if !f.roster().NeedsRotation() {
		t.Fatal("no rotation needed after a recipient left")
	}
}
