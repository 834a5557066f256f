package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine/server"
	"github.com/weftsync/weft/node/httpapi"
)

func TestMain(m *testing.M) {
	server.Dispatch() // in an engine child this serves and never returns
	os.Exit(m.Run())
}

// api is a running server over a real node in a temporary home, reached
// over real HTTP on 127.0.0.1.
type api struct {
	t     *testing.T
	n     *node.Node
	home  string
	base  string // http://127.0.0.1:PORT
	token string
	stop  func() error // stops the server (once; the test's end does it too)
}

// newNode makes a node in a new home without a passphrase.
func newNode(t *testing.T, name string) *node.Node {
	t.Helper()
	n, err := node.Init(t.Context(), node.Options{Home: t.TempDir(), NoPassphrase: true}, name)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// startAPI serves a new node's API until the test ends, then checks that
// the server stopped cleanly.
func startAPI(t *testing.T) *api {
	t.Helper()
	n := newNode(t, "Amina")
	st, err := n.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := httpapi.LoadOrCreateToken(st.Home)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := httpapi.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := httpapi.New(n, httpapi.Options{Token: tok, Addr: ln.Addr().String()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	stop := sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	t.Cleanup(func() { // before the node closes: cleanups run last first
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &api{t: t, n: n, home: st.Home, base: "http://" + ln.Addr().String(), token: tok, stop: stop}
}

// req builds a request with the token and, for a body, JSON content type.
func (a *api) req(method, path string, body any) *http.Request {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				a.t.Fatal(err)
			}
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(a.t.Context(), method, a.base+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// send sends req and returns the status and body.
func (a *api) send(req *http.Request) (int, []byte) {
	a.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// call sends a request and decodes a JSON answer with the status wanted
// into out (when not nil).
func (a *api) call(method, path string, body any, want int, out any) {
	a.t.Helper()
	code, b := a.send(a.req(method, path, body))
	if code != want {
		a.t.Fatalf("%s %s: status %d, want %d: %s", method, path, code, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// apiError is the body of an error answer.
type apiError struct {
	Error struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

// wantError checks that an answer is the error wanted.
func wantError(t *testing.T, code int, body []byte, wantCode int, wantKind string) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if code != wantCode || e.Error.Kind != wantKind || e.Error.Message == "" {
		t.Fatalf("status %d, error %+v; want %d %s", code, e.Error, wantCode, wantKind)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
