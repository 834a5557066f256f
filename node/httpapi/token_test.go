package httpapi_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/weftsync/weft/node/httpapi"
)

func TestToken(t *testing.T) {
	home := t.TempDir()
	if _, err := httpapi.ReadToken(home); !errors.Is(err, httpapi.ErrNoToken) {
		t.Fatalf("read before any token: %v", err)
	}
	tok, err := httpapi.LoadOrCreateToken(home)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(home, httpapi.TokenFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, %v", fi.Mode(), err)
	}
	if len(tok) < 43 {
		t.Fatalf("token %q is short", tok)
	}
	again, err := httpapi.LoadOrCreateToken(home)
	if err != nil || again != tok {
		t.Fatalf("second load: %q, %v; want the same token", again, err)
	}
	other, err := httpapi.LoadOrCreateToken(t.TempDir())
	if err != nil || other == tok {
		t.Fatalf("another home's token: %q, %v", other, err)
	}
	if err := os.Chmod(filepath.Join(home, httpapi.TokenFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := httpapi.ReadToken(home); err == nil {
		t.Fatal("a token file others may read was accepted")
	}
}

func TestURLs(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:7420", "http://127.0.0.1:7420/#token=T"},
		{"0.0.0.0:7420", "http://127.0.0.1:7420/#token=T"},
		{"[::1]:7420", "http://[::1]:7420/#token=T"},
		{"[::]:7420", "http://127.0.0.1:7420/#token=T"},
	}
	for _, tt := range tests {
		if got := httpapi.LoginURL(tt.addr, "T"); got != tt.want {
			t.Errorf("LoginURL(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
}

func TestListenTaken(t *testing.T) {
	ln, err := httpapi.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := httpapi.Listen(ln.Addr().String()); !errors.Is(err, httpapi.ErrAddrInUse) {
		t.Fatalf("listen on a taken port: %v", err)
	}
}
