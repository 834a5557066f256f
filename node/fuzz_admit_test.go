package node_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/weftsync/weft/node"
)

// admissionSeeds makes a real join request and welcome to seed the fuzzers.
func admissionSeeds(f *testing.F) (req, welcome []byte, joiner *node.Node) {
	ctx := context.Background()
	mk := func(name string) *node.Node {
		n, err := node.Init(ctx, node.Options{Home: f.TempDir(), NoPassphrase: true}, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { n.Close() })
		return n
	}
	a, b := mk("Amina"), mk("Bo")
	sp, err := a.CreateSpace(ctx, "Seeds")
	if err != nil {
		f.Fatal(err)
	}
	inv, err := a.Invite(ctx, sp, node.InviteOptions{Uses: 5})
	if err != nil {
		f.Fatal(err)
	}
	if req, _, err = b.JoinRequest(ctx, inv.Code); err != nil {
		f.Fatal(err)
	}
	if welcome, err = a.Admit(ctx, req); err != nil {
		f.Fatal(err)
	}
	return req, welcome, b
}

// FuzzDecodeJoinRequest: no input makes the decoder panic.
func FuzzDecodeJoinRequest(f *testing.F) {
	req, _, _ := admissionSeeds(f)
	f.Add(req)
	f.Add(req[:len(req)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = node.DecodeJoinRequest(b)
	})
}

// FuzzAcceptWelcome: no welcome, however damaged, panics or is accepted
// unless it is the real one; a damaged one writes nothing.
func FuzzAcceptWelcome(f *testing.F) {
	_, welcome, b := admissionSeeds(f)
	f.Add(welcome[:len(welcome)-1])
	f.Add(append([]byte{0xa1}, welcome[1:]...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, w []byte) {
		if bytes.Equal(w, welcome) {
			return
		}
		if _, err := b.AcceptWelcome(t.Context(), w); err == nil {
			t.Fatalf("a damaged welcome of %d bytes was accepted", len(w))
		}
	})
}
