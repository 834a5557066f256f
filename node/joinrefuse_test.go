package node_test

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/joinproto"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// realNode makes a node whose clock is the real one: invite expiry is
// judged by each admitting member's own clock.
func realNode(t *testing.T, name string) *node.Node {
	t.Helper()
	n, err := node.Init(t.Context(), node.Options{Home: t.TempDir(), NoPassphrase: true, Now: time.Now}, name)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// codeWire is an invite code's CBOR, as docs/protocol.md gives it.
type codeWire struct {
	Token []byte   `cbor:"1,keyasint"`
	Seed  []byte   `cbor:"2,keyasint"`
	Addrs []string `cbor:"3,keyasint,omitempty"`
}

var codeEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func encodeCode(t *testing.T, w codeWire) string {
	t.Helper()
	b, err := wire.DeterministicEncMode().Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	return "weft1-" + codeEnc.EncodeToString(b)
}

func decodeCode(t *testing.T, code string) (*member.Invite, ed25519.PrivateKey) {
	t.Helper()
	b, err := codeEnc.DecodeString(strings.TrimPrefix(code, "weft1-"))
	if err != nil {
		t.Fatal(err)
	}
	var w codeWire
	if err := wire.StrictDecMode(4, 16, 16).Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	inv, err := member.DecodeInvite(w.Token)
	if err != nil {
		t.Fatal(err)
	}
	return inv, ed25519.NewKeyFromSeed(w.Seed)
}

// serveQuiet starts n's network on loopback with timed pulls an hour
// apart: the test syncs when it means to.
func serveQuiet(t *testing.T, n *node.Node, peers ...string) {
	t.Helper()
	err := n.Start(t.Context(), node.NetOptions{Listen: []string{serveLoopback}, Peers: peers, SyncEvery: time.Hour})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
}

// rawStream opens a /weft/join/1 stream from h, a bare libp2p host, to m.
func rawStream(ctx context.Context, h host.Host, m *node.Node) (network.Stream, error) {
	infos, err := peer.AddrInfosFromP2pAddrs(mustAddrs(m)...)
	if err != nil {
		return nil, err
	}
	if err := h.Connect(ctx, infos[0]); err != nil {
		return nil, err
	}
	return h.NewStream(ctx, infos[0].ID, joinproto.ProtocolID)
}

// rawJoin runs one exchange from h with member m.
func rawJoin(ctx context.Context, h host.Host, m *node.Node, prove joinproto.Prover) error {
	st, err := rawStream(ctx, h, m)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = joinproto.Ask(ctx, st, 5*time.Second, prove)
	return err
}

// TestJoinRefusals: tokens that are expired, used up, revoked, forged,
// signed by a non-steward or bound to another key, and proofs replayed
// from another exchange, are refused by every one of three members, and a
// refused exchange stores nothing on either side.
func TestJoinRefusals(t *testing.T) {
	ctx := t.Context()
	a, b, c := realNode(t, "Amina"), realNode(t, "Bo"), realNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, c, sp)
	serveQuiet(t, a)
	serveQuiet(t, b, a.Addrs()...)
	serveQuiet(t, c, a.Addrs()...)
	members := []*node.Node{a, b, c}
	j := realNode(t, "Joy")
	serveQuiet(t, j)
	wantOps := must[int](t)(node.MemberOpCount(ctx, a, sp.ID))

	// settle makes every member hold a's log; unchanged checks that no
	// member stored an operation and the joiner holds nothing.
	settle := func(t *testing.T) {
		t.Helper()
		for _, m := range members[1:] {
			if err := m.SyncNow(ctx); err != nil {
				t.Fatalf("sync: %v", err)
			}
		}
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		for i, m := range members {
			if got := must[int](t)(node.MemberOpCount(ctx, m, sp.ID)); got != wantOps {
				t.Fatalf("member %d stores %d operations, want %d", i, got, wantOps)
			}
		}
		if sps := must[[]node.Space](t)(j.Spaces(ctx)); len(sps) != 0 {
			t.Fatalf("the refused joiner holds %+v", sps)
		}
	}
	everyoneRefuses := func(t *testing.T, code, why string) {
		t.Helper()
		for i, m := range members {
			_, err := j.JoinThrough(ctx, code, m.Addrs()[0])
			if refused(err) != nil || !strings.Contains(err.Error(), why) {
				t.Fatalf("member %d: %v, want a refusal saying %q", i, err, why)
			}
		}
		unchanged(t)
	}

	t.Run("expired", func(t *testing.T) {
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Expires: 50 * time.Millisecond}))
		time.Sleep(time.Until(inv.Expires) + time.Millisecond) // a wait on the clock, not on another goroutine
		everyoneRefuses(t, inv.Code, member.ErrInviteExpired.Error())
	})
	t.Run("a leaked code after its single use", func(t *testing.T) {
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Uses: 1}))
		k := realNode(t, "Kofi")
		serveQuiet(t, k)
		must[node.Space](t)(k.JoinThrough(ctx, inv.Code, a.Addrs()[0]))
		wantOps++
		settle(t)
		everyoneRefuses(t, inv.Code, member.ErrInviteOverused.Error())
	})
	t.Run("revoked", func(t *testing.T) {
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Uses: 5}))
		if err := a.RevokeInvite(ctx, sp, inv.InviteID); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		wantOps++
		settle(t)
		everyoneRefuses(t, inv.Code, member.ErrInviteRevoked.Error())
		if err := b.RevokeInvite(ctx, sp, inv.InviteID); !errors.Is(err, node.ErrInvalid) {
			t.Fatalf("a plain member revoked an invite: %v", err)
		}
	})
	t.Run("signed by a non-steward", func(t *testing.T) {
		stranger := must[*seal.Identity](t)(seal.NewIdentity())
		inv, key, err := member.NewInvite(stranger, sp.ID, member.RoleSteward, time.Now().Add(time.Hour).UnixMilli(), 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		everyoneRefuses(t, encodeCode(t, codeWire{Token: inv.Encode(), Seed: key.Seed()}), member.ErrNotSteward.Error())
	})
	t.Run("bound to another key", func(t *testing.T) {
		other := realNode(t, "Other")
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{For: other.PeerID()}))
		everyoneRefuses(t, inv.Code, member.ErrInviteNotFor.Error())
	})

	id := must[*seal.Identity](t)(seal.NewIdentity())
	raw := gossipHost(t, id)
	x := make([]byte, member.X25519Size)
	t.Run("forged", func(t *testing.T) {
		inv, key := decodeCode(t, must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{})).Code)
		inv.Role = member.RoleSteward // the steward signed "member"
		if _, err := node.ParseInviteCode(encodeCode(t, codeWire{Token: inv.Encode(), Seed: key.Seed()})); err == nil {
			t.Fatal("the joiner's side parsed a forged code")
		}
		for i, m := range members {
			err := rawJoin(ctx, raw, m, func(nonce []byte) (*member.Join, error) {
				return member.NewJoin(inv, key, nonce, id.Public, x, "Mallory"), nil
			})
			var ref *joinproto.RefusedError
			if !errors.As(err, &ref) || !strings.Contains(ref.Reason, member.ErrBadSignature.Error()) {
				t.Fatalf("member %d: %v, want a refusal for a bad signature", i, err)
			}
		}
		unchanged(t)
	})
	t.Run("replayed proof", func(t *testing.T) {
		inv, key := decodeCode(t, must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Uses: 3})).Code)
		var recorded *member.Join
		errStop := errors.New("recorded")
		err := rawJoin(ctx, raw, a, func(nonce []byte) (*member.Join, error) {
			recorded = member.NewJoin(inv, key, nonce, id.Public, x, "Mallory")
			return nil, errStop
		})
		if !errors.Is(err, errStop) || recorded == nil {
			t.Fatalf("recording a proof: %v", err)
		}
		for i, m := range members {
			err := rawJoin(ctx, raw, m, func([]byte) (*member.Join, error) { return recorded, nil })
			var ref *joinproto.RefusedError
			if !errors.As(err, &ref) || !strings.Contains(ref.Reason, "nonce") {
				t.Fatalf("member %d: %v, want a refusal naming the nonce", i, err)
			}
		}
		unchanged(t)
	})
	t.Run("an answer lost on the way is given again, once", func(t *testing.T) {
		code := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Uses: 3})).Code
		inv, key := decodeCode(t, code)
		xk := must[*ecdh.PrivateKey](t)(seal.NewX25519Key())
		ask := func() (*joinproto.Response, error) {
			st, err := rawStream(ctx, raw, a)
			if err != nil {
				return nil, err
			}
			defer st.Close()
			return joinproto.Ask(ctx, st, 5*time.Second, func(nonce []byte) (*member.Join, error) {
				return member.NewJoin(inv, key, nonce, id.Public, xk.PublicKey().Bytes(), "Mallory"), nil
			})
		}
		answers := []*joinproto.Response{must[*joinproto.Response](t)(ask())}
		answers = append(answers, must[*joinproto.Response](t)(uncut(ask)))
		wantOps++ // one admission, not two
		if got := must[int](t)(node.MemberOpCount(ctx, a, sp.ID)); got != wantOps {
			t.Fatalf("a stores %d operations, want %d", got, wantOps)
		}
		if len(answers[1].Ops) != len(answers[0].Ops) || answers[1].Space != sp.ID {
			t.Fatalf("the second answer differs: %d and %d operations", len(answers[0].Ops), len(answers[1].Ops))
		}
		other, otherKey := decodeCode(t, must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{})).Code)
		_, err := uncut(func() (*joinproto.Response, error) {
			return nil, rawJoin(ctx, raw, a, func(nonce []byte) (*member.Join, error) {
				return member.NewJoin(other, otherKey, nonce, id.Public, xk.PublicKey().Bytes(), "Mallory"), nil
			})
		})
		var ref *joinproto.RefusedError
		if !errors.As(err, &ref) || !strings.Contains(ref.Reason, member.ErrAlreadyMember.Error()) {
			t.Fatalf("a member joining again with another invite: %v", err)
		}
	})
}

// uncut runs an exchange up to three times while it is cut: the member
// readmits a new member to gossip by closing its connection, and an
// exchange racing that is cut.
func uncut(ask func() (*joinproto.Response, error)) (*joinproto.Response, error) {
	var err error
	for range 3 {
		var resp *joinproto.Response
		resp, err = ask()
		if err == nil || errors.As(err, new(*joinproto.RefusedError)) {
			return resp, err
		}
	}
	return nil, err
}

// TestJoinRateLimit: a member serves a peer at most
// JoinAttemptsPerMinute exchanges a minute; the next stream is reset
// before any challenge.
func TestJoinRateLimit(t *testing.T) {
	ctx := t.Context()
	a := realNode(t, "Amina")
	must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	serveQuiet(t, a)
	raw := gossipHost(t, must[*seal.Identity](t)(seal.NewIdentity()))
	errStop := errors.New("stop after the challenge")
	for i := range node.JoinAttemptsPerMinute + 1 {
		challenged := false
		err := rawJoin(ctx, raw, a, func([]byte) (*member.Join, error) {
			challenged = true
			return nil, errStop
		})
		switch {
		case i < node.JoinAttemptsPerMinute && (!challenged || !errors.Is(err, errStop)):
			t.Fatalf("attempt %d: challenged %v, %v", i+1, challenged, err)
		case i == node.JoinAttemptsPerMinute && (challenged || err == nil):
			t.Fatalf("attempt %d over the limit was served: %v", i+1, err)
		}
	}
}

func mustAddrs(n *node.Node) []ma.Multiaddr {
	var out []ma.Multiaddr
	for _, s := range n.Addrs() {
		out = append(out, ma.StringCast(s))
	}
	return out
}
