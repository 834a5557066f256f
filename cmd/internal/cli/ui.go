package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
	"github.com/weftsync/weft/node/httpapi"
)

// The local API, from the CLI's side: weft serve runs it (--http), and
// weft ui prints the address a browser opens to log in.

func uiCmd(e *env) *cobra.Command {
	var printURL bool
	cmd := &cobra.Command{
		Use:   "ui [--print-url]",
		Short: "Print the login URL of the local web API that weft serve runs",
		Long: "Print the address to open in a browser on this machine to use weft serve's local API.\n" +
			"It holds the API's token (in the part after #, which browsers never send on): treat it\n" +
			"like a password. weft serve must be running for this home.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url, err := e.loginURL()
			if err != nil {
				return err
			}
			if !printURL {
				e.note("open this address in a browser on this machine; it holds a secret, so do not share it:")
			}
			return e.emit(map[string]string{"url": url}, func(w io.Writer) { fmt.Fprintln(w, url) })
		},
	}
	cmd.Flags().BoolVar(&printURL, "print-url", false, "print only the URL, with no advice (for scripts)")
	return cmd
}

// loginURL reads where the running weft serve answers and the home's
// token.
func (e *env) loginURL() (string, error) {
	home := e.homeDir()
	c, err := daemon.Dial(home)
	if errors.Is(err, daemon.ErrNoDaemon) {
		return "", fmt.Errorf("weft ui: %w", node.ErrNotServing)
	}
	if err != nil {
		return "", err
	}
	c.Close()
	addr, err := httpapi.ReadAddr(home)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("weft serve runs without the local API (--http off): restart it with --http %s", httpapi.DefaultAddr)
	}
	if err != nil {
		return "", err
	}
	tok, err := httpapi.ReadToken(home)
	if err != nil {
		return "", err
	}
	return httpapi.LoginURL(addr, tok), nil
}

// listenHTTP opens the API's listener for --http (nil for off). Only an
// address named here is reachable from other machines, and serve says so.
func (e *env) listenHTTP(addr string) (net.Listener, error) {
	if addr == "off" {
		return nil, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usagef("--http %q: give HOST:PORT, such as %s, or off", addr, httpapi.DefaultAddr)
	}
	if !isLoopback(host) {
		fmt.Fprintf(e.stderr, "warning: --http %s: the local API is reachable from other machines on this network; "+
			"anyone with its token can read and change your data (the token is sent in clear: use it only on a network you trust)\n", addr)
	}
	ln, err := httpapi.Listen(addr)
	if errors.Is(err, httpapi.ErrAddrInUse) {
		return nil, usagef("--http %s is taken by another program: choose another address with --http HOST:PORT, or --http off", addr)
	}
	return ln, err
}

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveHTTP runs the API on ln until ctx ends; the channel gets its
// result then. With ln nil (--http off) it gets nil at once.
func (e *env) serveHTTP(ctx context.Context, n *node.Node, ln net.Listener, flag string) (<-chan error, error) {
	done := make(chan error, 1)
	if ln == nil {
		done <- nil
		return done, nil
	}
	home := e.homeDir()
	tok, err := httpapi.LoadOrCreateToken(home)
	if err == nil {
		err = httpapi.WriteAddr(home, ln.Addr().String())
	}
	if err != nil {
		return nil, err
	}
	s := httpapi.New(n, httpapi.Options{Token: tok, Addr: flag, Logger: e.options().Logger})
	go func() { done <- errors.Join(s.Serve(ctx, ln), httpapi.RemoveAddr(home)) }()
	fmt.Fprintf(e.stderr, "local API on %s (run 'weft ui' for the login URL)\n", httpapi.BaseURL(ln.Addr().String()))
	return done, nil
}

// closeListener closes ln when there is one.
func closeListener(ln net.Listener) {
	if ln != nil {
		ln.Close()
	}
}
