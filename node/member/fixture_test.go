package member

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/weftsync/weft/node/seal"
)

// fixture builds a space's log step by step. Identities are derived from
// names, so a test reads as a story: alice creates, bob joins, ...
type fixture struct {
	t     testing.TB
	log   *Log
	space string
	now   int64
	salt  []byte
}

const t0 = 1_800_000_000_000 // a fixed unix ms

func ident(name string) *seal.Identity {
	seed := sha256.Sum256([]byte(name))
	id, err := seal.IdentityFromSeed(seed[:])
	if err != nil {
		panic(err)
	}
	return id
}

func key(name string) ed25519.PublicKey { return ident(name).Public }

func x25519(name string) []byte {
	h := sha256.Sum256([]byte("x25519 " + name))
	return h[:]
}

// newFixture returns a log in which alice created the space "Coalition".
func newFixture(t testing.TB) *fixture {
	f := &fixture{t: t, now: t0}
	op := NewCreate(key("alice"), "Coalition", "Alice", x25519("alice"), f.now)
	op.Recipients = []Recipient{{Member: key("alice"), Sealed: []byte("epoch key for alice")}}
	f.space, f.salt = op.Space, op.Salt
	f.log = NewLog(f.space)
	f.add(f.sign("alice", op))
	return f
}

// sign signs op as name, filling space, time and follows when unset.
func (f *fixture) sign(name string, op *Op) *Op {
	f.t.Helper()
	if op.Space == "" {
		op.Space = f.space
	}
	if op.Time == 0 {
		f.now += 1000
		op.Time = f.now
	}
	if op.Follows == nil && op.Kind != KindCreate {
		op.Follows = f.log.Heads()
	}
	if err := op.Sign(ident(name)); err != nil {
		f.t.Fatalf("sign %s: %v", op.Kind, err)
	}
	return op
}

// add adds a signed op and returns its ID.
func (f *fixture) add(op *Op) [32]byte {
	f.t.Helper()
	if err := f.log.Add(op); err != nil {
		f.t.Fatalf("add %s: %v", op.Kind, err)
	}
	return op.ID()
}

// do signs op as name and adds it.
func (f *fixture) do(name string, op *Op) [32]byte {
	f.t.Helper()
	return f.add(f.sign(name, op))
}

// invite makes an invite signed by name.
func (f *fixture) invite(name string, role Role, uses int, forKey ed25519.PublicKey) (*Invite, ed25519.PrivateKey) {
	f.t.Helper()
	inv, priv, err := NewInvite(ident(name), f.space, role, f.now+3_600_000, uses, forKey)
	if err != nil {
		f.t.Fatal(err)
	}
	return inv, priv
}

// join returns joiner's join for inv, answering a nonce derived from the name.
func (f *fixture) join(inv *Invite, priv ed25519.PrivateKey, joiner string) *Join {
	nonce := sha256.Sum256([]byte("nonce " + joiner + inv.InviteID))
	return NewJoin(inv, priv, nonce[:], key(joiner), x25519(joiner), joiner)
}

// admitOp returns admitter's signed admission of j.
func (f *fixture) admitOp(admitter string, j *Join) *Op {
	return f.sign(admitter, &Op{Kind: KindAdmit, Join: j})
}

// admit adds joiner to the space with a fresh single-use invite by alice,
// admitted by admitter.
func (f *fixture) admit(admitter, joiner string, role Role) [32]byte {
	inv, priv := f.invite("alice", role, 1, nil)
	return f.add(f.admitOp(admitter, f.join(inv, priv, joiner)))
}

func (f *fixture) roster() *Roster {
	f.t.Helper()
	r, err := f.log.Roster()
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// reason returns why the roster refused op id, or nil when it is valid.
func reason(r *Roster, id [32]byte) error {
	for _, rej := range r.Invalid() {
		if rej.OpID == id {
			return rej.Reason
		}
	}
	return nil
}

// wantReason fails unless op id's reason matches want (nil: valid).
func wantReason(t *testing.T, r *Roster, id [32]byte, want error) {
	t.Helper()
	got := reason(r, id)
	if (want == nil) != (got == nil) || !errors.Is(got, want) {
		t.Fatalf("reason = %v, want %v", got, want)
	}
}

// sameRoster fails unless two rosters agree on everything they expose.
func sameRoster(t *testing.T, a, b *Roster) {
	t.Helper()
	if a.Name() != b.Name() || a.Epoch().ID != b.Epoch().ID || !bytes.Equal(encode(a.Members()), encode(b.Members())) {
		t.Fatalf("rosters differ:\n%+v\n%+v", a.Members(), b.Members())
	}
	ra, rb := a.Invalid(), b.Invalid()
	if len(ra) != len(rb) {
		t.Fatalf("invalid lists differ: %d and %d", len(ra), len(rb))
	}
	for i := range ra {
		if ra[i].OpID != rb[i].OpID || ra[i].Reason.Error() != rb[i].Reason.Error() {
			t.Fatalf("invalid %d differs: %v / %v", i, ra[i].Reason, rb[i].Reason)
		}
	}
}

// actorPrefix is the actor prefix of name's key.
func actorPrefix(name string) []byte { return seal.ActorPrefix(key(name)) }

// forge signs op as name without checking its fields, as a hostile client
// would, filling space, time and follows when unset.
func (f *fixture) forge(name string, op *Op) *Op {
	if op.Space == "" {
		op.Space = f.space
	}
	if op.Time == 0 {
		f.now += 1000
		op.Time = f.now
	}
	if op.Follows == nil {
		op.Follows = f.log.Heads()
	}
	op.Version, op.Signer, op.Sig = OpVersion, key(name), nil
	op.Sig = seal.Sign(ident(name).Private, seal.ContextMemberOp, []byte(op.Space), op.unsigned())
	return op
}
