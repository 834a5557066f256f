package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
	"github.com/weftsync/weft/node/httpapi"
	"github.com/weftsync/weft/node/p2p"
)

// serveFlags are weft serve's flags.
type serveFlags struct {
	listen, peers []string
	http          string
	readyFile     string // hidden: written with the addresses once listening
	lan, relay    bool
	dht           bool
	relayAllow    []string
	noHolePunch   bool          // hidden: for tests that must go through a relay
	syncEvery     time.Duration // hidden: the longest pause between timed pulls
}

func serveCmd(e *env) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run this node: sync with the members of your spaces until interrupted",
		Long: "Run this node until SIGINT or SIGTERM: listen for peers, dial the --peer addresses and the\n" +
			"peers remembered from before, and pull what they hold of the spaces you share.\n" +
			"Where weft was never set up, serve sets it up first.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return e.serve(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.listen, "listen", nil, "listen on this multiaddr (repeatable; default TCP and QUIC on port 7411, every interface)")
	fl.StringArrayVar(&f.peers, "peer", nil, "dial this peer, a multiaddr ending in /p2p/ID (repeatable; remembered once reached)")
	fl.StringVar(&f.http, "http", httpapi.DefaultAddr, "the local API's address HOST:PORT (localhost only unless named here), or off")
	fl.StringVar(&f.readyFile, "ready-file", "", "write the listen addresses to this file once listening")
	fl.MarkHidden("ready-file")
	fl.BoolVar(&f.lan, "lan", false, "find members on the local network with mDNS (announces this node's peer ID and addresses to everyone on it)")
	fl.BoolVar(&f.relay, "relay", false, "relay connections between members of your spaces (and --relay-allow peers); run it where there is a public address")
	fl.StringArrayVar(&f.relayAllow, "relay-allow", nil, "with --relay, also relay for this peer ID (repeatable)")
	fl.BoolVar(&f.dht, "dht", false, "find members by peer ID in weft's own DHT (relays serve it); off by default")
	fl.BoolVar(&f.noHolePunch, "no-hole-punch", false, "never try hole punching")
	fl.MarkHidden("no-hole-punch")
	fl.DurationVar(&f.syncEvery, "sync-every", 0, "the longest pause between timed pulls (default 30s)")
	fl.MarkHidden("sync-every")
	return cmd
}

// serve opens (or sets up) the node, starts its network and runs until ctx
// ends, then closes the node.
func (e *env) serve(ctx context.Context, f serveFlags) error {
	if len(f.relayAllow) > 0 && !f.relay {
		return usagef("--relay-allow needs --relay")
	}
	node.SetMemoryLimit()           // decision 0030
	_, _ = node.ShrinkBinaryPages() // decision 0057
	hl, err := e.listenHTTP(f.http) // first, so that a taken port fails before anything starts
	if err != nil {
		return err
	}
	defer closeListener(hl) // the API's server closes it too; this covers the early returns
	n, err := e.openOrInit(ctx)
	if err != nil {
		return err
	}
	defer n.Close()
	o := node.NetOptions{Listen: f.listen, Peers: f.peers, LAN: f.lan, Relay: f.relay, RelayAllow: f.relayAllow,
		NoHolePunch: f.noHolePunch, SyncEvery: f.syncEvery, DHT: f.dht}
	if err := n.Start(ctx, o); err != nil {
		return err
	}
	// While serve runs, every other weft command on this home is a thin
	// client of this node over the home's socket.
	ln, err := daemon.Listen(e.homeDir())
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- daemon.Serve(ctx, ln, n) }() // returns when ctx ends
	e.announce(n)
	httpDone, err := e.serveHTTP(ctx, n, hl, f.http) // runs until ctx ends
	if err != nil {
		return err
	}
	if f.readyFile != "" {
		if err := writeReady(f.readyFile, n.Addrs()); err != nil {
			return err
		}
	}
	<-ctx.Done()
	fmt.Fprintln(e.stderr, "stopping")
	return errors.Join(<-served, <-httpDone, n.Close())
}

// announce tells the person who runs serve who it is and where it
// listens: nothing secret.
func (e *env) announce(n *node.Node) {
	fmt.Fprintf(e.stderr, "serving as peer %s\n", n.PeerID())
	for _, a := range n.Addrs() {
		fmt.Fprintf(e.stderr, "listening on %s\n", a)
	}
	if lan := n.LANAdvertised(); lan != nil {
		fmt.Fprintf(e.stderr, "announcing on the local network (mDNS service %s): peer ID %s and addresses %s\n",
			p2p.LANService, n.PeerID(), strings.Join(lan, ", "))
	}
	if n.Relaying() {
		fmt.Fprintln(e.stderr, "relaying connections between members of this node's spaces and the --relay-allow peers, for no one else")
	}
}

// openOrInit opens the node, and sets weft up first where it never was:
// the passphrase comes from the usual sources, and with none of them
// available this fails at once saying how to give one.
func (e *env) openOrInit(ctx context.Context) (*node.Node, error) {
	n, err := e.open(ctx)
	if !errors.Is(err, node.ErrNotInitialized) {
		return n, err
	}
	opts := e.options()
	opts.Passphrase = e.newPassphrase
	n, err = node.Init(ctx, opts, os.Getenv("USER")) // rename later with weft init on a fresh home
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "set up a new weft home in %s\n", opts.Home)
	return n, nil
}

// writeReady writes addrs, one a line, to path in one step (a reader never
// sees half of it).
func writeReady(path string, addrs []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ready-*")
	if err != nil {
		return fmt.Errorf("write ready file: %w", err)
	}
	_, err = tmp.WriteString(strings.Join(addrs, "\n") + "\n")
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write ready file: %w", err)
	}
	return nil
}
