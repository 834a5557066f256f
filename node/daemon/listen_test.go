package daemon_test

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
)

// TestLongHome: a home whose socket path passes the kernel's limit gets a
// socket in the runtime folder, recorded in the home, and clients find it.
func TestLongHome(t *testing.T) {
	runtime := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", runtime)
	h := filepath.Join(t.TempDir(), strings.Repeat("a-long-folder-name/", 8))
	if len(filepath.Join(h, daemon.SocketName)) <= 108 {
		t.Fatalf("home %s is not long enough for the test", h)
	}
	n, _ := initNode(t, h, "Amina")
	stop := serve(t, n, h)
	rec, err := os.ReadFile(filepath.Join(h, daemon.PathRecord))
	if err != nil {
		t.Fatalf("no record of the socket's path: %v", err)
	}
	path := strings.TrimSpace(string(rec))
	if !strings.HasPrefix(path, filepath.Join(runtime, "weft")+"/") || len(path) > 107 {
		t.Fatalf("socket at %s", path)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket %s: %v, %v", path, fi.Mode(), err)
	}
	if got := dial(t, h).PeerID(); got != n.PeerID() {
		t.Fatalf("peer ID %q", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if exists(path) || exists(filepath.Join(h, daemon.PathRecord)) {
		t.Fatalf("socket or record left behind after Serve ended")
	}
	if _, err := daemon.Dial(h); !errors.Is(err, daemon.ErrNoDaemon) {
		t.Fatalf("Dial after stop = %v, want ErrNoDaemon", err)
	}
}

// TestSocketFile covers what Listen finds where the socket goes.
func TestSocketFile(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	sock := filepath.Join(h, daemon.SocketName)
	t.Run("stale socket is replaced", func(t *testing.T) {
		ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		ln.SetUnlinkOnClose(false)
		ln.Close()
		if !exists(sock) {
			t.Fatal("no stale socket to test with")
		}
		if _, err := daemon.Dial(h); !errors.Is(err, daemon.ErrNoDaemon) {
			t.Fatalf("Dial on a stale socket = %v, want ErrNoDaemon", err)
		}
		stop := serve(t, n, h)
		if got := dial(t, h).Name(); got != "Amina" {
			t.Fatalf("name %q", got)
		}
		t.Run("a second daemon is refused", func(t *testing.T) {
			if ln, err := daemon.Listen(h); !errors.Is(err, daemon.ErrRunning) {
				if ln != nil {
					ln.Close()
				}
				t.Fatalf("Listen while serving = %v, want ErrRunning", err)
			}
		})
		if err := stop(); err != nil || exists(sock) {
			t.Fatalf("stop: %v; socket left: %v", err, exists(sock))
		}
	})
	t.Run("a file that is not a socket is left alone", func(t *testing.T) {
		if err := os.WriteFile(sock, []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(sock)
		if ln, err := daemon.Listen(h); err == nil {
			ln.Close()
			t.Fatal("Listen replaced a regular file")
		}
		if b, _ := os.ReadFile(sock); string(b) != "mine" {
			t.Fatalf("file now holds %q", b)
		}
	})
	t.Run("no socket", func(t *testing.T) {
		if _, err := daemon.Dial(h); !errors.Is(err, daemon.ErrNoDaemon) {
			t.Fatalf("Dial = %v, want ErrNoDaemon", err)
		}
	})
}

// TestOversizedRequest: a frame announcing more than MaxMessage is refused
// before its body is read, and the connection is closed.
func TestOversizedRequest(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	serve(t, n, h)
	conn, err := net.Dial("unix", filepath.Join(h, daemon.SocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(binary.BigEndian.AppendUint32(nil, daemon.MaxMessage+1)); err != nil {
		t.Fatal(err)
	}
	err = daemon.ReadResponse(conn)
	if !errors.Is(err, daemon.ErrTooLarge) {
		t.Fatalf("answer %v, want ErrTooLarge", err)
	}
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after an oversized frame")
	}
}

// TestServeStops: Serve returns once its context ends, with clients still
// connected, and their next calls fail instead of hanging.
func TestServeStops(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	stop := serve(t, n, h)
	clients := []*daemon.Client{dial(t, h), dial(t, h), dial(t, h)}
	for _, c := range clients {
		if _, err := c.Spaces(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("Serve = %v", err)
	}
	for i, c := range clients {
		if _, err := c.Spaces(t.Context()); err == nil || errors.Is(err, node.ErrNotFound) {
			t.Fatalf("client %d: call after stop = %v", i, err)
		}
	}
}

// TestConcurrentClients: clients on their own connections, and goroutines
// sharing one client, all get their answers.
func TestConcurrentClients(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	serve(t, n, h)
	sp := must[node.Space](t)(n.CreateSpace(t.Context(), "Coalition"))
	shared := dial(t, h)
	errs := make(chan error, 16)
	for i := range 16 {
		c := shared
		if i%2 == 0 {
			c = dial(t, h)
		}
		go func() {
			got, err := c.ResolveSpace(t.Context(), "Coalition")
			if err == nil && got.ID != sp.ID {
				err = errors.New("wrong space " + got.ID)
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
