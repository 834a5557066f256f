package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// dialTimeout bounds connecting and the greeting: a daemon that does not
// answer this fast is treated as absent or stuck, not waited for.
const dialTimeout = 5 * time.Second

// Client is a connection to the daemon of one home. Its methods may be
// called from several goroutines; calls are sent one at a time. The
// caller closes it.
type Client struct {
	mu     sync.Mutex
	conn   net.Conn
	hello  Hello
	broken error // set once the connection failed; every later call fails
}

// Dial connects to the daemon serving home. It returns an error matching
// ErrNoDaemon when no daemon runs there (no socket, or a stale one), so
// the caller can open the store itself.
func Dial(home string) (*Client, error) {
	path, err := findSocket(home)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("unix", path, dialTimeout)
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoDaemon, path)
	}
	if err != nil {
		return nil, fmt.Errorf("daemon: dial %s: %w", path, err)
	}
	if err := checkPeer(conn, os.Getuid()); err != nil {
		conn.Close()
		return nil, err
	}
	c := &Client{conn: conn}
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	if err := c.Call(ctx, mHello, nil, &c.hello); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// findSocket finds home's socket: home/weft.sock, or the path that
// home/weft.sock.path records.
func findSocket(home string) (string, error) {
	p := filepath.Join(home, SocketName)
	if _, err := os.Lstat(p); err == nil {
		return shortPath(p)
	}
	b, err := os.ReadFile(filepath.Join(home, PathRecord))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: no socket in %s", ErrNoDaemon, home)
	}
	if err != nil {
		return "", fmt.Errorf("daemon: %w", err)
	}
	return string(bytes.TrimSpace(b)), nil
}

// shortPath is p, or, when p is too long to connect to, its relative form
// from the working folder if that is short enough.
func shortPath(p string) (string, error) {
	if len(p) <= maxSocketPath {
		return p, nil
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && len(rel) <= maxSocketPath {
			return rel, nil
		}
	}
	return "", fmt.Errorf("daemon: socket path %s is longer than %d bytes", p, maxSocketPath)
}

// PeerID is the daemon's node's peer ID, as it said when the client
// connected.
func (c *Client) PeerID() string { return c.hello.PeerID }

// Name is the daemon's node's display name.
func (c *Client) Name() string { return c.hello.Name }

// Close closes the connection. It is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken == nil {
		c.broken = net.ErrClosed
	}
	return ignoreClosed(c.conn.Close())
}

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Call runs method with args on the daemon and decodes its result into
// result (a pointer, or nil for methods with none). An error the method
// returned comes back as an *Error that matches the same sentinels. When
// ctx ends first, the connection is dropped and Call returns ctx's error.
func (c *Client) Call(ctx context.Context, method string, args []any, result any) error {
	req, err := encodeRequest(method, args)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return fmt.Errorf("daemon: %s: connection closed: %w", method, c.broken)
	}
	resp, err := c.roundTrip(ctx, req)
	if err != nil {
		c.broken = err
		c.conn.Close()
		return fmt.Errorf("daemon: %s: %w", method, err)
	}
	return decodeResponse(resp, result)
}

// encodeRequest encodes each argument; it fails before anything is sent
// when the request would be too large.
func encodeRequest(method string, args []any) (request, error) {
	req := request{V: Version, Method: method, Args: make([]cbor.RawMessage, len(args))}
	size := 0
	for i, a := range args {
		b, err := encMode.Marshal(a)
		if err != nil {
			return req, fmt.Errorf("daemon: %s: encode argument %d: %w", method, i+1, err)
		}
		if size += len(b); size > MaxMessage {
			return req, fmt.Errorf("%w: %s: arguments of more than %d bytes", ErrTooLarge, method, MaxMessage)
		}
		req.Args[i] = b
	}
	return req, nil
}

// roundTrip writes req and reads its response, within ctx.
func (c *Client) roundTrip(ctx context.Context, req request) (response, error) {
	var resp response
	if d, ok := ctx.Deadline(); ok {
		_ = c.conn.SetDeadline(d)
		defer c.conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { _ = c.conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	err := writeFrame(c.conn, req)
	if err == nil {
		err = readFrame(c.conn, &resp)
	}
	if ctx.Err() != nil {
		return resp, ctx.Err()
	}
	return resp, err
}

func decodeResponse(resp response, result any) error {
	if resp.Err != nil {
		return fromWire(resp.Err)
	}
	if result == nil || len(resp.Result) == 0 {
		return nil
	}
	if err := decMode.Unmarshal(resp.Result, result); err != nil {
		return fmt.Errorf("daemon: decode result: %w", err)
	}
	return nil
}
