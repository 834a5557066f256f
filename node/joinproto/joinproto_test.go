package joinproto

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
)

// invite makes an invite signed by a fresh steward key, with its secret.
func invite(t testing.TB) (*member.Invite, ed25519.PrivateKey) {
	t.Helper()
	steward, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	space := member.SpaceID(steward.Public, make([]byte, member.SaltSize))
	inv, key, err := member.NewInvite(steward, space, member.RoleMember, time.Now().Add(time.Hour).UnixMilli(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return inv, key
}

// joinOver returns a prover that signs the member's nonce, or fixed when
// it is set (a recorded proof).
func joinOver(inv *member.Invite, key ed25519.PrivateKey, fixed *member.Join) Prover {
	return func(nonce []byte) (*member.Join, error) {
		if fixed != nil {
			return fixed, nil
		}
		joiner, _ := seal.NewIdentity()
		return member.NewJoin(inv, key, nonce, joiner.Public, make([]byte, member.X25519Size), "Bo"), nil
	}
}

// exchange runs one exchange over a pipe and returns both sides' results.
func exchange(t *testing.T, prove Prover, admit Admitter) (*Response, error, *member.Join, error) {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	type served struct {
		j   *member.Join
		err error
	}
	done := make(chan served, 1)
	go func() {
		j, err := Serve(context.Background(), a, time.Second, admit)
		done <- served{j, err}
	}()
	resp, err := Ask(context.Background(), b, time.Second, prove)
	s := <-done
	return resp, err, s.j, s.err
}

func welcomeFor(space string) *Response {
	id := space
	return &Response{Version: Version, Space: space, Name: "Union", Calendar: id, Ledger: id,
		Epoch: make([]byte, 32), Sealed: []byte("sealed"), Ops: [][]byte{[]byte("op")}}
}

func TestExchange(t *testing.T) {
	inv, key := invite(t)
	admitAll := func(_ context.Context, j *member.Join) *Response { return welcomeFor(j.Invite.Space) }
	t.Run("admitted", func(t *testing.T) {
		resp, err, j, serr := exchange(t, joinOver(inv, key, nil), admitAll)
		if err != nil || serr != nil || j == nil || resp.Space != inv.Space {
			t.Fatalf("ask %v, serve %v, join %v, response %+v", err, serr, j, resp)
		}
	})
	t.Run("refused by the member", func(t *testing.T) {
		resp, err, j, _ := exchange(t, joinOver(inv, key, nil), func(context.Context, *member.Join) *Response {
			return Refusal("invite expired")
		})
		var ref *RefusedError
		if !errors.As(err, &ref) || ref.Reason != "invite expired" || j != nil || resp.Space != "" {
			t.Fatalf("ask %v, join %v", err, j)
		}
	})
	t.Run("a recorded proof is refused", func(t *testing.T) {
		joiner, _ := seal.NewIdentity()
		old := member.NewJoin(inv, key, make([]byte, member.NonceSize), joiner.Public, make([]byte, member.X25519Size), "Bo")
		called := false
		_, err, j, serr := exchange(t, joinOver(inv, key, old), func(context.Context, *member.Join) *Response {
			called = true
			return admitAll(context.Background(), old)
		})
		var ref *RefusedError
		if !errors.As(err, &ref) || !errors.Is(serr, ErrWrongNonce) || j != nil || called {
			t.Fatalf("ask %v, serve %v, join %v, admit called %v", err, serr, j, called)
		}
	})
	t.Run("a forged proof is refused", func(t *testing.T) {
		_, other := invite(t)
		_, err, j, serr := exchange(t, joinOver(inv, other, nil), admitAll)
		var ref *RefusedError
		if !errors.As(err, &ref) || !errors.Is(serr, ErrMalformed) || j != nil {
			t.Fatalf("ask %v, serve %v, join %v", err, serr, j)
		}
	})
}

func TestTooLarge(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	go func() {
		b.Write([]byte{0xff, 0xff, 0xff, 0xff}) // a 4 GiB challenge
		b.Close()
	}()
	_, err := Ask(context.Background(), a, time.Second, nil)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ask: %v, want ErrTooLarge", err)
	}
}

func TestResponseChecks(t *testing.T) {
	inv, _ := invite(t)
	good := welcomeFor(inv.Space)
	tests := map[string]func(r *Response){
		"wrong version":       func(r *Response) { r.Version = 2 },
		"refusal with a body": func(r *Response) { r.Refused = "no" },
		"no operations":       func(r *Response) { r.Ops = nil },
		"short epoch":         func(r *Response) { r.Epoch = r.Epoch[:31] },
		"bad space ID":        func(r *Response) { r.Space = "x" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			r := *good
			mutate(&r)
			if _, err := EncodeResponse(&r); !errors.Is(err, ErrMalformed) {
				t.Fatalf("encode: %v, want ErrMalformed", err)
			}
		})
	}
	b, err := EncodeResponse(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeResponse(b[lengthSize:]); err != nil {
		t.Fatalf("decode: %v", err)
	}
}
