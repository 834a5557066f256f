package member

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDecodeRoundTrip(t *testing.T) {
	f := richLog(t)
	for _, op := range f.log.Ops() {
		b := op.Encode()
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", op.Kind, err)
		}
		if !bytes.Equal(got.Encode(), b) || got.ID() != op.ID() {
			t.Fatalf("%s: round trip changed the operation", op.Kind)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	f := newFixture(t)
	good := f.sign("alice", &Op{Kind: KindRename, SpaceName: "x"}).Encode()
	tests := []struct {
		name string
		in   func() []byte
		want error
	}{
		{"empty", func() []byte { return nil }, ErrMalformed},
		{"trailing byte", func() []byte { return append(bytes.Clone(good), 0) }, ErrMalformed},
		{"truncated", func() []byte { return good[:len(good)-1] }, ErrMalformed},
		{"too large", func() []byte { return make([]byte, MaxOpSize+1) }, ErrTooLarge},
		{"unknown field", func() []byte { return replaceMapHeader(good, 20) }, ErrMalformed},
		{"foreign field", func() []byte {
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: "x", Target: key("bob")}).Encode()
		}, ErrMalformed},
		{"unknown kind", func() []byte { return f.forge("alice", &Op{Kind: "promote_all"}).Encode() }, ErrMalformed},
		{"follows unsorted", func() []byte {
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: "x", Follows: [][32]byte{{2}, {1}}}).Encode()
		}, ErrMalformed},
		{"follows repeated", func() []byte {
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: "x", Follows: [][32]byte{{1}, {1}}}).Encode()
		}, ErrMalformed},
		{"too many follows", func() []byte {
			fs := make([][32]byte, MaxFollows+1)
			for i := range fs {
				fs[i][0], fs[i][1] = byte(i>>8), byte(i)
			}
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: "x", Follows: fs}).Encode()
		}, ErrTooLarge},
		{"non-create following nothing", func() []byte {
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: "x", Follows: [][32]byte{}}).Encode()
		}, ErrMalformed},
		{"control character in name", func() []byte {
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: "x\x1b[2J"}).Encode()
		}, ErrMalformed},
		{"name too long", func() []byte {
			return f.forge("alice", &Op{Kind: KindRename, SpaceName: strings.Repeat("n", MaxNameLen+1)}).Encode()
		}, ErrMalformed},
		{"too many relays", func() []byte {
			return f.forge("alice", &Op{Kind: KindSetRelays, Relays: make([]string, MaxRelays+1)}).Encode()
		}, ErrTooLarge},
		{"relay not a multiaddr", func() []byte {
			return f.forge("alice", &Op{Kind: KindSetRelays, Relays: []string{"relay.example:4040"}}).Encode()
		}, ErrMalformed},
		{"rotate to nobody", func() []byte { return f.forge("alice", &Op{Kind: KindRotate}).Encode() }, ErrMalformed},
		{"rotate to one member twice", func() []byte {
			r := Recipient{Member: key("bob"), Sealed: []byte("k")}
			return f.forge("alice", &Op{Kind: KindRotate, Recipients: []Recipient{r, r}}).Encode()
		}, ErrMalformed},
		{"bad role", func() []byte {
			return f.forge("alice", &Op{Kind: KindRole, Target: key("bob"), Role: "admin"}).Encode()
		}, ErrMalformed},
		{"bad signature", func() []byte {
			b := bytes.Clone(good)
			b[len(b)-1] ^= 1
			return b
		}, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(tt.in()); !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, want %v", err, tt.want)
			}
		})
	}
}

// replaceMapHeader appends an extra integer key k with value 0 to the
// top-level map of b (a map of fewer than 24 pairs).
func replaceMapHeader(b []byte, k byte) []byte {
	out := append([]byte{b[0] + 1}, b[1:]...)
	return append(out, k, 0)
}

func TestInviteDecode(t *testing.T) {
	f := newFixture(t)
	inv, _ := f.invite("alice", RoleMember, 3, key("bob"))
	b := inv.Encode()
	got, err := DecodeInvite(b)
	if err != nil || !bytes.Equal(got.Encode(), b) {
		t.Fatalf("round trip: %v", err)
	}
	expired := *inv
	expired.Expires++
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"altered", expired.Encode(), ErrBadSignature},
		{"trailing", append(bytes.Clone(b), 0), ErrMalformed},
		{"too large", make([]byte, MaxInviteSize+1), ErrTooLarge},
		{"empty map", []byte{0xa0}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeInvite(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("DecodeInvite = %v, want %v", err, tt.want)
			}
		})
	}
	for _, bad := range []struct {
		role Role
		uses int
	}{{"admin", 1}, {RoleMember, 0}, {RoleMember, MaxInviteUses + 1}} {
		if _, _, err := NewInvite(ident("alice"), f.space, bad.role, t0, bad.uses, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("NewInvite(%q, %d) = %v", bad.role, bad.uses, err)
		}
	}
}

func FuzzDecodeOp(f *testing.F) {
	for _, seed := range seedOps(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		op, err := Decode(b)
		if err != nil {
			return
		}
		if !bytes.Equal(op.Encode(), b) || op.Verify() != nil {
			t.Fatal("accepted an operation that does not re-encode or verify")
		}
		l := NewLog(op.Space)
		if err := l.Add(op); err != nil {
			t.Fatalf("decoded operation refused by Add: %v", err)
		}
		_, _ = l.Roster()
	})
}

func FuzzDecodeInvite(f *testing.F) {
	inv, _, err := NewInvite(ident("alice"), "aaaaaaaaaaaaaaaaaaaaaaaaaa", RoleMember, t0, 1, key("bob"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(inv.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		inv, err := DecodeInvite(b)
		if err != nil {
			return
		}
		if !bytes.Equal(inv.Encode(), b) || inv.Verify() != nil {
			t.Fatal("accepted an invite that does not re-encode or verify")
		}
	})
}

// seedOps returns one encoded operation of every kind.
func seedOps(tb testing.TB) [][]byte {
	f := richLog(tb)
	f.do("alice", &Op{Kind: KindSetRelays, Relays: []string{"/ip4/192.0.2.1/tcp/4040"}})
	f.do("alice", &Op{Kind: KindRevokeInvite, InviteID: "aaaaaaaaaaaaaaaaaaaaaaaaaa"})
	f.do("alice", &Op{Kind: KindRole, Target: key("carol"), Role: RoleSteward})
	var out [][]byte
	for _, op := range f.log.Ops() {
		out = append(out, op.Encode())
	}
	return out
}
