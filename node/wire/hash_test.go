package wire

import (
	"encoding/hex"
	"errors"
	"testing"
)

// hexString is the lowercase hex of b.
func hexString(b []byte) string { return hex.EncodeToString(b) }

func TestParseHash(t *testing.T) {
	const good = "94549cee90cdb084d07ba9b5645e20b40906db8c90be62d0bddc81ec9a6cdc0a"
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"lowercase", good, true},
		{"uppercase", "94549CEE90cdb084d07ba9b5645e20b40906db8c90be62d0bddc81ec9a6cdc0a", false},
		{"short", good[:62], false},
		{"long", good + "00", false},
		{"not hex", "z" + good[1:], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHash(tt.in)
			if !tt.ok {
				if !errors.Is(err, ErrHash) {
					t.Fatalf("ParseHash(%q) error %v, want ErrHash", tt.in, err)
				}
				return
			}
			if err != nil || HashHex(h) != tt.in {
				t.Fatalf("ParseHash(%q) = %s, %v", tt.in, HashHex(h), err)
			}
		})
	}
}
