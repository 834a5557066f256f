package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// SocketName is the socket's file name in the home folder.
	SocketName = "weft.sock"
	// PathRecord is the file in the home folder that names the socket when
	// it lives elsewhere because the home's path is too long.
	PathRecord = "weft.sock.path"
	// maxSocketPath is the longest path a Unix socket can be bound to (the
	// kernel's sun_path holds 108 bytes with its terminating NUL).
	maxSocketPath = 107
)

// ErrRunning means a daemon already answers on the home's socket.
var ErrRunning = errors.New("daemon: already running")

// Listen binds the home's socket, mode 0600: home/weft.sock, or, when that
// path is too long, a socket in a private runtime folder whose path it
// records in home/weft.sock.path. A socket file no one answers on is
// replaced; one a process answers on is left alone (ErrRunning). Closing
// the listener removes the socket and the record.
func Listen(home string) (net.Listener, error) {
	path, err := socketPath(home)
	if err != nil {
		return nil, err
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("daemon: listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("daemon: listen on %s: %w", path, err)
	}
	return record(home, path, ln.(*net.UnixListener))
}

// socketPath chooses where home's socket lives.
func socketPath(home string) (string, error) {
	abs, err := filepath.Abs(home)
	if err != nil {
		return "", fmt.Errorf("daemon: home %s: %w", home, err)
	}
	if p := filepath.Join(abs, SocketName); len(p) <= maxSocketPath {
		return p, nil
	}
	dir, err := runtimeDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	p := filepath.Join(dir, "weft-"+hex.EncodeToString(sum[:8])+".sock")
	if len(p) > maxSocketPath {
		return "", fmt.Errorf("daemon: no socket path short enough for %s (tried %s)", home, p)
	}
	return p, nil
}

// runtimeDir is a folder only this user can enter: $XDG_RUNTIME_DIR/weft,
// or /tmp/weft-UID, made if needed and refused if anyone else owns it or
// can enter it.
func runtimeDir() (string, error) {
	base := os.Getenv("XDG_RUNTIME_DIR")
	dir := filepath.Join(base, "weft")
	if base == "" || len(dir) > maxSocketPath-30 {
		dir = filepath.Join(os.TempDir(), "weft-"+strconv.Itoa(os.Getuid()))
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("daemon: make %s: %w", dir, err)
	}
	return dir, checkPrivate(dir)
}

// checkPrivate refuses a folder that is a link, is not ours, or that
// others may enter.
func checkPrivate(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("daemon: %s must be a folder of this user's, mode 0700", dir)
	}
	return nil
}

// removeStale removes a socket file no process answers on. It refuses to
// touch anything that is not a socket.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("daemon: %s exists and is not a socket; remove it if no weft runs", path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("%w: a process answers on %s", ErrRunning, path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("daemon: remove stale socket: %w", err)
	}
	return nil
}

// listener is the home's socket; Close also removes the path record.
type listener struct {
	*net.UnixListener
	record string
}

// Close stops listening and removes the socket and its record.
func (l *listener) Close() error {
	err := l.UnixListener.Close()
	if l.record != "" {
		_ = os.Remove(l.record)
	}
	return err
}

// record writes home/weft.sock.path when the socket lives elsewhere, and
// removes any older record when it does not.
func record(home, path string, ln *net.UnixListener) (net.Listener, error) {
	rec := filepath.Join(home, PathRecord)
	if strings.HasPrefix(path, mustAbs(home)+string(filepath.Separator)) {
		_ = os.Remove(rec)
		return &listener{UnixListener: ln}, nil
	}
	if err := os.WriteFile(rec, []byte(path+"\n"), 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("daemon: record socket path: %w", err)
	}
	return &listener{UnixListener: ln, record: rec}, nil
}

func mustAbs(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return abs
}
