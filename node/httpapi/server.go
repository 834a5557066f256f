package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// DefaultAddr is where weft serve listens for the API unless told otherwise.
const DefaultAddr = "127.0.0.1:7420"

// ErrAddrInUse matches the error of Listen when the address is taken.
var ErrAddrInUse = errors.New("httpapi: address in use")

// Server timeouts and limits. The change stream lifts the write timeout for
// its own responses.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	shutdownWait      = 5 * time.Second
)

// Options configure a Server. Token and Addr are required.
type Options struct {
	// Token is the secret every /api/ request must carry. With none,
	// every /api/ request is refused.
	Token string
	// Addr is the address --http named (host:port): the Host header of a
	// request must name its host, localhost or an IP address (a loopback
	// one when Addr's host is loopback).
	Addr string
	// Logger receives the server's logs (default: discarded).
	Logger *slog.Logger
}

// Server serves the API over one node. Serve runs it; it holds nothing
// else that needs closing.
type Server struct {
	b     Backend
	opts  Options
	log   *slog.Logger
	hosts hostCheck
	quit  chan struct{} // closed when Serve stops: ends the change streams
	stop  sync.Once
}

// New builds a server over b.
func New(b Backend, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{b: b, opts: o, log: o.Logger, hosts: newHostCheck(o.Addr), quit: make(chan struct{})}
}

// Listen opens a TCP listener on addr. A taken address gives an error
// matching ErrAddrInUse.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%w: %s is taken by another program: %w", ErrAddrInUse, addr, err)
	}
	if err != nil {
		return nil, fmt.Errorf("httpapi: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve answers requests on ln until ctx ends, then stops: open change
// streams end at once, other requests in flight get a few seconds to
// finish. It closes ln and returns nil after a clean stop. A Server is
// served once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	srv.RegisterOnShutdown(func() { s.stop.Do(func() { close(s.quit) }) })
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("httpapi: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-done; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	if err != nil {
		return fmt.Errorf("httpapi: shut down: %w", err)
	}
	return nil
}
