package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func statusCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "What this node holds, what waits, and (while weft serve runs) its network",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				st, err := n.Status(ctx)
				if err != nil {
					return err
				}
				return e.emit(st, func(w io.Writer) { printStatus(w, st) })
			})
		},
	}
}

func printStatus(w io.Writer, st node.Status) {
	fmt.Fprintf(w, "peer %s (%s)\nhome %s\n", st.PeerID, st.Name, st.Home)
	if st.Daemon {
		fmt.Fprintf(w, "serving: listening on %s\nconnected to %d peer(s)\n", strings.Join(st.Listen, ", "), len(st.Connected))
	} else {
		fmt.Fprintln(w, "not serving: run 'weft serve' to sync with other members")
	}
	for _, s := range st.Spaces {
		fmt.Fprintf(w, "space %s  %s: %d member(s), %d document(s), %d change(s), %d held for missing dependencies\n",
			s.ID, s.Name, s.Members, s.Documents, s.Changes, s.Held)
	}
	fmt.Fprintf(w, "%d local change(s) not yet announced to peers, %d quarantined\n", st.Unsent, st.Quarantined)
}

func peersCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "peers",
		Short: "The members and peers this node knows: connected or not, how reached, the last exchange",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				peers, err := n.Peers(ctx)
				if err != nil {
					return err
				}
				return e.emit(nonNil(peers), func(w io.Writer) { printPeers(w, peers) })
			})
		},
	}
}

func printPeers(w io.Writer, peers []node.PeerInfo) {
	for _, p := range peers {
		state := "not connected"
		if p.Connected {
			state = "connected (" + p.Reached + ")"
		}
		fmt.Fprintf(w, "%-16s %s  %s\n", orDefault(p.Name, "?"), p.PeerID, state)
		if p.LastPull != nil {
			lp := p.LastPull
			fmt.Fprintf(w, "    last pull %s: received %d, stored %d, refused %d, complete %v %s\n",
				lp.At.Local().Format(time.DateTime), lp.Received, lp.Stored, lp.Refused, lp.Complete, lp.Error)
		}
	}
}

func syncCmd(e *env) *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "sync [SPACE]",
		Short: "Pull now from every connected member (needs weft serve); exit 1 if anything is left",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				if len(args) == 1 {
					if _, err := n.ResolveSpace(ctx, args[0]); err != nil {
						return err
					}
				}
				return e.syncNow(ctx, n, wait)
			})
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for the pulls")
	return cmd
}

// syncNow pulls from every connected peer and reports each peer's last
// pull: up to date only when every connected member's pull completed.
func (e *env) syncNow(ctx context.Context, n Backend, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	pullErr := n.SyncNow(ctx)
	if pullErr != nil && !isPartial(pullErr) {
		return pullErr
	}
	peers, err := n.Peers(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	connected := connectedPeers(peers)
	if err := e.emit(nonNil(connected), func(w io.Writer) { printPeers(w, connected) }); err != nil {
		return err
	}
	switch {
	case len(connected) == 0:
		return fmt.Errorf("%w: no member is connected: nothing was synced", errCheckFailed)
	case pullErr != nil:
		return fmt.Errorf("%w: %v", errCheckFailed, pullErr)
	}
	for _, p := range connected {
		if p.LastPull == nil || !p.LastPull.Complete {
			return fmt.Errorf("%w: the pull from %s did not complete", errCheckFailed, orDefault(p.Name, p.PeerID))
		}
	}
	return nil
}

// isPartial reports whether a sync failed only for some peers: the
// network runs, so what each pull did is worth reporting.
func isPartial(err error) bool { return !errors.Is(err, node.ErrNotServing) }

func connectedPeers(peers []node.PeerInfo) []node.PeerInfo {
	var out []node.PeerInfo
	for _, p := range peers {
		if p.Connected {
			out = append(out, p)
		}
	}
	return out
}
