package seal

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
)

func testIdentity(t testing.TB, b byte) *Identity {
	t.Helper()
	id, err := IdentityFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestIdentity(t *testing.T) {
	a := testIdentity(t, 1)
	if b := testIdentity(t, 1); !a.Public.Equal(b.Public) {
		t.Fatal("IdentityFromSeed not deterministic")
	}
	if _, err := IdentityFromSeed(make([]byte, 31)); !errors.Is(err, ErrKeySize) {
		t.Fatalf("short seed: %v", err)
	}
	n, err := NewIdentity()
	if err != nil || n.Public.Equal(a.Public) || !n.Public.Equal(n.Private.Public()) {
		t.Fatalf("NewIdentity = %v, %v", n, err)
	}
}

func TestSignVerify(t *testing.T) {
	id := testIdentity(t, 1)
	other := testIdentity(t, 2)
	sig := Sign(id.Private, ContextMemberOp, []byte("ab"), []byte("c"))
	tests := []struct {
		name    string
		pub     ed25519.PublicKey
		context string
		sig     []byte
		fields  [][]byte
		want    bool
	}{
		{"valid", id.Public, ContextMemberOp, sig, [][]byte{[]byte("ab"), []byte("c")}, true},
		{"fields shifted", id.Public, ContextMemberOp, sig, [][]byte{[]byte("a"), []byte("bc")}, false},
		{"fields joined", id.Public, ContextMemberOp, sig, [][]byte{[]byte("abc")}, false},
		{"extra empty field", id.Public, ContextMemberOp, sig, [][]byte{[]byte("ab"), []byte("c"), nil}, false},
		{"attest context", id.Public, ContextAttest, sig, [][]byte{[]byte("ab"), []byte("c")}, false},
		{"invite context", id.Public, ContextInvite, sig, [][]byte{[]byte("ab"), []byte("c")}, false},
		{"other key", other.Public, ContextMemberOp, sig, [][]byte{[]byte("ab"), []byte("c")}, false},
		{"short key", id.Public[:31], ContextMemberOp, sig, [][]byte{[]byte("ab"), []byte("c")}, false},
		{"short sig", id.Public, ContextMemberOp, sig[:63], [][]byte{[]byte("ab"), []byte("c")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.pub, tt.context, tt.sig, tt.fields...); got != tt.want {
				t.Fatalf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContextsDistinct(t *testing.T) {
	all := []string{ContextAttest, ContextMemberOp, ContextInvite, ContextInviteProof, ContextBundle}
	id := testIdentity(t, 3)
	for _, a := range all {
		sig := Sign(id.Private, a, []byte("x"))
		for _, b := range all {
			if got := Verify(id.Public, b, sig, []byte("x")); got != (a == b) {
				t.Errorf("signed %s, verified as %s: %v", a, b, got)
			}
		}
	}
}
