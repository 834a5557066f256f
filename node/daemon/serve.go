package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"

	"github.com/weftsync/weft/node"
)

// Serve answers requests on ln with n until ctx ends; then it closes ln
// and every connection and waits for their goroutines before returning
// nil. Each connection is served on its own goroutine, one request at a
// time, and only when its peer runs as this process's user. Serve does not
// close n. It returns an error only if accepting fails for another reason.
func Serve(ctx context.Context, ln net.Listener, n *node.Node) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer ln.Close() // waits for the unlink that the wake-up below may have begun
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	table := dispatch()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("daemon: accept: %w", err)
		}
		wg.Go(func() { serveConn(ctx, c, n, table) })
	}
}

// serveConn checks the peer's user, then answers its requests in turn
// until it hangs up, sends a bad frame, or ctx ends.
func serveConn(ctx context.Context, c net.Conn, n *node.Node, table map[string]handler) {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := checkPeer(c, os.Getuid()); err != nil {
		return
	}
	for ctx.Err() == nil {
		var req request
		if err := readFrame(c, &req); err != nil {
			if !errors.Is(err, io.EOF) {
				_ = writeFrame(c, response{Err: toWire(err)})
			}
			return
		}
		if err := writeFrame(c, answer(ctx, n, table, req)); err != nil {
			return
		}
	}
}

// answer runs one request and builds its response.
func answer(ctx context.Context, n *node.Node, table map[string]handler, req request) response {
	if req.V != Version {
		return errResponse(fmt.Errorf("%w: daemon: protocol version %d, this daemon speaks %d", node.ErrInvalid, req.V, Version))
	}
	h, ok := table[req.Method]
	if !ok {
		return errResponse(fmt.Errorf("%w %q", ErrUnknownMethod, req.Method))
	}
	res, err := h(ctx, n, req.Args)
	if err != nil {
		return errResponse(err)
	}
	if res == nil {
		return response{}
	}
	b, err := encMode.Marshal(res)
	if err != nil {
		return errResponse(fmt.Errorf("daemon: encode %s result: %w", req.Method, err))
	}
	if len(b) > MaxMessage-64 {
		return errResponse(fmt.Errorf("%w: %s result of %d bytes", ErrTooLarge, req.Method, len(b)))
	}
	return response{Result: b}
}

func errResponse(err error) response { return response{Err: toWire(err)} }
