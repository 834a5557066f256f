package seal

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
)

func testAttestation(t testing.TB) (*Identity, Attestation) {
	id := testIdentity(t, 1)
	actor := append(ActorPrefix(id.Public), 1, 2, 3, 4, 5, 6, 7, 8)
	return id, Attest(id, "space", "doc", actor, 42, sha256.Sum256([]byte("change")))
}

func TestActor(t *testing.T) {
	a, b := testIdentity(t, 1), testIdentity(t, 2)
	actor := NewActor(a.Public)
	tests := []struct {
		name  string
		actor []byte
		want  bool
	}{
		{"own", actor, true},
		{"other's", NewActor(b.Public), false},
		{"prefix only", ActorPrefix(a.Public), false},
		{"too long", append(append([]byte{}, actor...), 0), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OwnsActor(a.Public, tt.actor); got != tt.want {
				t.Fatalf("OwnsActor = %v", got)
			}
		})
	}
	if bytes.Equal(actor, NewActor(a.Public)) {
		t.Fatal("NewActor not random")
	}
}

func TestAttestationVerify(t *testing.T) {
	id, good := testAttestation(t)
	other := testIdentity(t, 2)
	tests := []struct {
		name string
		edit func(*Attestation)
		want error
	}{
		{"valid", func(*Attestation) {}, nil},
		{"other space", func(a *Attestation) { a.Space = "space2" }, ErrBadSignature},
		{"other doc", func(a *Attestation) { a.Doc = "doc2" }, ErrBadSignature},
		{"other seq", func(a *Attestation) { a.Seq++ }, ErrBadSignature},
		{"other hash", func(a *Attestation) { a.Hash[0] ^= 1 }, ErrBadSignature},
		{"other actor", func(a *Attestation) { a.Actor = NewActor(id.Public) }, ErrBadSignature},
		{"other signer", func(a *Attestation) { a.Signer = other.Public }, ErrBadSignature},
		{"no signature", func(a *Attestation) { a.Sig = nil }, ErrBadSignature},
		{"actor not owned", func(a *Attestation) {
			*a = Attest(other, a.Space, a.Doc, a.Actor, a.Seq, a.Hash)
		}, ErrActorNotOwned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good
			a.Actor = append([]byte{}, good.Actor...)
			tt.edit(&a)
			if err := a.Verify(); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAttestationNotMemberOp(t *testing.T) {
	_, a := testAttestation(t)
	if Verify(a.Signer, ContextMemberOp, a.Sig, a.fields()...) {
		t.Fatal("attestation signature verifies as a member-op signature")
	}
}

func TestAttestationMarshal(t *testing.T) {
	_, a := testAttestation(t)
	b := a.Marshal()
	got, err := UnmarshalAttestation(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Marshal(), b) || got.Verify() != nil || got.Hash != a.Hash {
		t.Fatalf("round trip changed the attestation: %+v", got)
	}
	short := a
	short.Actor = a.Actor[:8]
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"truncated", b[:len(b)-1], ErrMalformed},
		{"trailing byte", append(append([]byte{}, b...), 0), ErrMalformed},
		{"short actor", short.Marshal(), ErrMalformed},
		{"too large", make([]byte, MaxAttestationSize+1), ErrTooLarge},
		{"not an array", []byte{0xa0}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := UnmarshalAttestation(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("Unmarshal = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzUnmarshalAttestation(f *testing.F) {
	_, a := testAttestation(f)
	f.Add(a.Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := UnmarshalAttestation(b)
		if err != nil {
			return
		}
		if !bytes.Equal(a.Marshal(), b) {
			t.Fatal("accepted bytes that do not re-encode identically")
		}
		_ = a.Verify()
	})
}

func BenchmarkAttest(b *testing.B) {
	id, a := testAttestation(b)
	for b.Loop() {
		Attest(id, a.Space, a.Doc, a.Actor, a.Seq, a.Hash)
	}
}

func BenchmarkAttestationVerify(b *testing.B) {
	_, a := testAttestation(b)
	for b.Loop() {
		if err := a.Verify(); err != nil {
			b.Fatal(err)
		}
	}
}
