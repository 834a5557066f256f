package seal

import (
	"bytes"
	"errors"
	"testing"
)

// The store declares this interface; Keys must satisfy it.
var _ interface {
	Seal(ad, plaintext []byte) ([]byte, error)
	Open(ad, sealed []byte) ([]byte, error)
	Index(id []byte) []byte
} = (*Keys)(nil)

func testKeys(t testing.TB, keyID uint32) *Keys {
	t.Helper()
	k, err := NewKeys(bytes.Repeat([]byte{7}, DataKeySize), keyID)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealRoundTrip(t *testing.T) {
	k := testKeys(t, 1)
	tests := []struct {
		name    string
		ad, msg []byte
	}{
		{"empty", nil, nil},
		{"small", []byte("changes|doc1|raw|1"), []byte("hello")},
		{"large", []byte("x"), bytes.Repeat([]byte("abc"), 100000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := k.Seal(tt.ad, tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(s) != len(tt.msg)+Overhead {
				t.Errorf("sealed %d bytes, want %d", len(s), len(tt.msg)+Overhead)
			}
			if len(tt.msg) > 0 && bytes.Contains(s, tt.msg) {
				t.Error("plaintext visible in sealed value")
			}
			got, err := k.Open(tt.ad, s)
			if err != nil || !bytes.Equal(got, tt.msg) {
				t.Fatalf("Open = %q, %v", got, err)
			}
		})
	}
}

func TestSealNonceFresh(t *testing.T) {
	k := testKeys(t, 1)
	a, _ := k.Seal(nil, []byte("same"))
	b, _ := k.Seal(nil, []byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one plaintext are equal")
	}
}

func TestOpenRefuses(t *testing.T) {
	k := testKeys(t, 1)
	ad := []byte("changes|doc1|raw|1")
	sealed, _ := k.Seal(ad, []byte("secret value"))
	other, _ := NewKeys(bytes.Repeat([]byte{8}, DataKeySize), 1)
	sameKeyOtherID := testKeys(t, 2)
	tests := []struct {
		name   string
		k      *Keys
		ad, in []byte
	}{
		{"other ad", k, []byte("changes|doc2|raw|1"), sealed},
		{"no ad", k, nil, sealed},
		{"other data key", other, ad, sealed},
		{"other key id", sameKeyOtherID, ad, sealed},
		{"truncated", k, ad, sealed[:len(sealed)-1]},
		{"too short", k, ad, sealed[:Overhead-1]},
		{"empty", k, ad, nil},
		{"extended", k, ad, append(append([]byte{}, sealed...), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.k.Open(tt.ad, tt.in); !errors.Is(err, ErrOpen) {
				t.Fatalf("Open = %v, want ErrOpen", err)
			}
		})
	}
}

func TestOpenEveryFlippedByte(t *testing.T) {
	k := testKeys(t, 1)
	ad := []byte("ad")
	sealed, _ := k.Seal(ad, []byte("a value of some length"))
	for i := range sealed {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			c := append([]byte{}, sealed...)
			c[i] ^= mask
			if _, err := k.Open(ad, c); !errors.Is(err, ErrOpen) {
				t.Fatalf("byte %d ^ %#x: Open = %v, want ErrOpen", i, mask, err)
			}
		}
	}
}

func TestSealedKeyID(t *testing.T) {
	k := testKeys(t, 0xdeadbeef)
	s, _ := k.Seal(nil, []byte("x"))
	if got := SealedKeyID(s); got != 0xdeadbeef {
		t.Fatalf("SealedKeyID = %#x", got)
	}
	if got := SealedKeyID([]byte{1}); got != 0 {
		t.Fatalf("SealedKeyID(short) = %d", got)
	}
}

func TestIndex(t *testing.T) {
	k := testKeys(t, 1)
	other, _ := NewKeys(bytes.Repeat([]byte{8}, DataKeySize), 1)
	a := k.Index([]byte("doc1"))
	tests := []struct {
		name  string
		got   []byte
		equal bool
	}{
		{"deterministic", k.Index([]byte("doc1")), true},
		{"key id does not matter", testKeys(t, 9).Index([]byte("doc1")), true},
		{"other id", k.Index([]byte("doc2")), false},
		{"other data key", other.Index([]byte("doc1")), false},
	}
	if len(a) != 32 {
		t.Fatalf("index of %d bytes", len(a))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Equal(a, tt.got) != tt.equal {
				t.Fatalf("equal = %v, want %v", !tt.equal, tt.equal)
			}
		})
	}
}

func TestNewKeysSize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := NewKeys(make([]byte, n), 1); !errors.Is(err, ErrKeySize) {
			t.Errorf("NewKeys(%d bytes) = %v, want ErrKeySize", n, err)
		}
	}
	if k := NewDataKey(); len(k) != DataKeySize || bytes.Equal(k, NewDataKey()) {
		t.Error("NewDataKey not random 32 bytes")
	}
}

func FuzzOpen(f *testing.F) {
	k := testKeys(f, 1)
	s, _ := k.Seal([]byte("ad"), []byte("seed value"))
	f.Add([]byte("ad"), s)
	f.Fuzz(func(t *testing.T, ad, sealed []byte) {
		pt, err := k.Open(ad, sealed)
		if err == nil && !bytes.Equal(pt, []byte("seed value")) {
			t.Fatalf("opened forged value: %q", pt)
		}
	})
}
