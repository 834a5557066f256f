package node_test

import (
	"strings"
	"testing"

	"github.com/weftsync/weft/node"
)

// FuzzParseInviteCode: any text either parses to a code whose fields hold
// together, or fails with ErrInvalid; it never panics.
func FuzzParseInviteCode(f *testing.F) {
	f.Add("weft1-")
	f.Add("weft1-aaaa")
	f.Add("WEFT1-" + strings.Repeat("a", 100))
	f.Fuzz(func(t *testing.T, s string) {
		c, err := node.ParseInviteCode(s)
		if err != nil {
			return
		}
		if c.Space == "" || c.InviteID == "" || c.Uses < 1 {
			t.Fatalf("parsed a code with empty fields: %+v", c)
		}
	})
}

func TestParseInviteCode(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Garden"))
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Role: "steward", Uses: 3}))
	c := must[*node.InviteCode](t)(node.ParseInviteCode("  " + inv.Code + "\n"))
	if c.Space != sp.ID || c.InviteID != inv.InviteID || c.Role != "steward" || c.Uses != 3 || !c.Expires.Equal(inv.Expires) {
		t.Fatalf("parsed %+v from %+v", c, inv)
	}
	if strings.Contains(inv.Code, sp.Name) || len(inv.Code) > node.MaxInviteCodeLen {
		t.Fatalf("code %q", inv.Code)
	}
	tests := []struct{ name, code string }{
		{"empty", ""},
		{"other prefix", "weft2-" + inv.Code[6:]},
		{"bad base32", inv.Code + "!"},
		{"cut short", inv.Code[:len(inv.Code)-10]},
		{"flipped in the signature", flipChar(inv.Code, len(inv.Code)-70)},
		{"flipped in the secret", flipChar(inv.Code, len(inv.Code)-5)},
		{"too long", "weft1-" + strings.Repeat("a", node.MaxInviteCodeLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := node.ParseInviteCode(tt.code); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func flipChar(s string, i int) string {
	b := []byte(s)
	if b[i] == 'a' {
		b[i] = 'b'
	} else {
		b[i] = 'a'
	}
	return string(b)
}
