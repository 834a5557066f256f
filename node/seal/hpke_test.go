package seal

import (
	"bytes"
	"errors"
	"testing"
)

func TestHPKE(t *testing.T) {
	k, err := NewX25519Key()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewX25519Key()
	info := []byte("weft/epoch-key/v1 space epoch")
	sealed, err := SealToRecipient(k.PublicKey().Bytes(), info, []byte("epoch key"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenFromSender(k, info, sealed)
	if err != nil || !bytes.Equal(got, []byte("epoch key")) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	flipped := append([]byte{}, sealed...)
	flipped[len(flipped)/2] ^= 1
	tests := []struct {
		name   string
		info   []byte
		sealed []byte
		open   func() error
	}{
		{"other info", []byte("other"), sealed, nil},
		{"flipped", info, flipped, nil},
		{"truncated", info, sealed[:20], nil},
		{"other key", info, sealed, func() error { _, err := OpenFromSender(other, info, sealed); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := func() error { _, err := OpenFromSender(k, tt.info, tt.sealed); return err }()
			if tt.open != nil {
				err = tt.open()
			}
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("Open = %v, want ErrOpen", err)
			}
		})
	}
	if _, err := SealToRecipient(make([]byte, 31), info, nil); err == nil {
		t.Fatal("sealed to a 31-byte key")
	}
	if _, err := OpenFromSender(nil, info, sealed); err == nil {
		t.Fatal("opened with a nil key")
	}
}
