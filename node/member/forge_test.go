package member

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/weftsync/weft/node/seal"
)

// TestAddRefusesForgeries covers what Log.Add refuses on its own, before
// any replay: forged, altered, misdirected or wrongly signed operations.
func TestAddRefusesForgeries(t *testing.T) {
	tests := []struct {
		name string
		op   func(f *fixture) *Op
		want error
	}{
		{"invite signed by another key", func(f *fixture) *Op {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			inv.Sig = seal.Sign(ident("mallory").Private, seal.ContextInvite, []byte(inv.Space), inv.unsigned())
			return f.forge("alice", admitOf(f.join(inv, priv, "bob")))
		}, ErrBadSignature},
		{"invite uses raised after signing", func(f *fixture) *Op {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			inv.Uses = 100
			return f.forge("alice", admitOf(f.join(inv, priv, "bob")))
		}, ErrBadSignature},
		{"invite role raised after signing", func(f *fixture) *Op {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			inv.Role = RoleSteward
			return f.forge("alice", admitOf(f.join(inv, priv, "bob")))
		}, ErrBadSignature},
		{"proof without the invite key", func(f *fixture) *Op {
			inv, _ := f.invite("alice", RoleMember, 1, nil)
			_, other, _ := ed25519.GenerateKey(nil)
			return f.forge("alice", admitOf(f.join(inv, other, "bob")))
		}, ErrBadSignature},
		{"proof for another joiner", func(f *fixture) *Op {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			j := f.join(inv, priv, "bob")
			j.Joiner = key("mallory")
			return f.forge("alice", admitOf(j))
		}, ErrBadSignature},
		{"proof with a swapped display name", func(f *fixture) *Op {
			inv, priv := f.invite("alice", RoleMember, 1, nil)
			j := f.join(inv, priv, "bob")
			j.Name = "Alice"
			return f.forge("alice", admitOf(j))
		}, ErrBadSignature},
		{"invite for another key", func(f *fixture) *Op {
			inv, priv := f.invite("alice", RoleMember, 1, key("carol"))
			return f.forge("alice", admitOf(f.join(inv, priv, "bob")))
		}, ErrInviteNotFor},
		{"invite signature used as op signature", func(f *fixture) *Op {
			op := f.sign("alice", &Op{Kind: KindRename, SpaceName: "x"})
			op.Sig = seal.Sign(ident("alice").Private, seal.ContextInvite, []byte(op.Space), op.unsigned())
			return op
		}, ErrBadSignature},
		{"signed by another key", func(f *fixture) *Op {
			op := f.sign("mallory", &Op{Kind: KindRename, SpaceName: "x"})
			op.Signer = key("alice")
			return op
		}, ErrBadSignature},
		{"altered after signing", func(f *fixture) *Op {
			op := f.sign("alice", &Op{Kind: KindRename, SpaceName: "x"})
			op.SpaceName = "y"
			return op
		}, ErrBadSignature},
		{"cut of another member's actor", func(f *fixture) *Op {
			op := &Op{Version: OpVersion, Space: f.space, Kind: KindRemove, Follows: f.log.Heads(), Target: key("bob"),
				Time: t0 + 1, Cut: map[string][]ActorCut{"d": {{Actor: seal.NewActor(key("alice")), MaxSeq: 1}}}}
			return f.forge("alice", op)
		}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if err := f.log.Add(tt.op(f)); !errors.Is(err, tt.want) {
				t.Fatalf("Add = %v, want %v", err, tt.want)
			}
			if f.log.Len() != 1 || len(f.log.Missing()) != 0 {
				t.Fatal("refused operation was kept")
			}
		})
	}
}

func TestOtherSpaceRefused(t *testing.T) {
	a, b := newFixture(t), newFixture(t)
	b.do("alice", &Op{Kind: KindRename, SpaceName: "b"}) // make the two spaces' IDs and heads differ
	op := a.sign("alice", &Op{Kind: KindRename, SpaceName: "renamed"})
	moved := *op
	moved.Space, moved.Follows = b.space, b.log.Heads()
	invA, privA := a.invite("alice", RoleMember, 1, nil)
	admit := &Op{Version: OpVersion, Space: b.space, Kind: KindAdmit, Follows: b.log.Heads(), Time: t0 + 1,
		Join: a.join(invA, privA, "bob")}
	tests := []struct {
		name string
		op   *Op
		want error
	}{
		{"op of space A in log of B", op, ErrWrongSpace},
		{"signature of space A on an op of B", &moved, ErrBadSignature},
		{"invite of space A admitting to B", b.forge("alice", admit), ErrWrongSpace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := b.log.Add(tt.op); !errors.Is(err, tt.want) {
				t.Fatalf("Add = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCreateBoundToCreator(t *testing.T) {
	f := newFixture(t)
	forged := NewCreate(key("mallory"), "Takeover", "Mallory", x25519("mallory"), t0)
	forged.Space, forged.Salt = f.space, f.salt
	forged.Recipients = []Recipient{{Member: key("mallory"), Sealed: []byte("k")}}
	if err := forged.Sign(ident("mallory")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Sign = %v, want ErrMalformed", err)
	}
}

func admitOf(j *Join) *Op { return &Op{Kind: KindAdmit, Join: j} }
