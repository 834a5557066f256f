package cli

import (
	"context"
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
		for _, id := range st.Connected {
			fmt.Fprintf(w, "    %s  %s\n", id, st.Reached[id])
		}
	} else {
		fmt.Fprintln(w, "not serving: run 'weft serve' to sync with other members")
	}
	for _, s := range st.Spaces {
		fmt.Fprintf(w, "space %s  %s: %d member(s), %d document(s), %d change(s), %d held for missing dependencies\n",
			s.ID, s.Name, s.Members, s.Documents, s.Changes, s.Held)
		if st.Daemon {
			fmt.Fprintf(w, "    pending: %d change(s) members lack, %d held by members and not here; %d member(s) not heard from yet\n",
				s.PendingOut, s.PendingIn, s.Unknown)
		}
		for _, d := range s.NearBudget {
			fmt.Fprintf(w, "    %s %s holds %d of its %d operations: run '%s'\n", d.Type, d.Doc, d.Ops, d.Budget, d.Advice)
		}
		if s.Ledger != nil {
			printChain(w, *s.Ledger)
		}
		printContinued(w, s.Continued)
	}
	for _, p := range st.PendingJoins {
		fmt.Fprintf(w, "space %s: join pending since %s, %d queued edit(s)", p.Space, p.Added.Local().Format("2006-01-02 15:04"), p.Queued)
		switch {
		case p.Expired:
			fmt.Fprintf(w, "; the invite expired at %s: ask a member for a new code, then 'weft join --cancel %s'", p.Expires.Local().Format("2006-01-02 15:04"), p.Space)
		case p.LastError != "":
			fmt.Fprintf(w, "; last attempt: %s", p.LastError)
		}
		fmt.Fprintln(w)
	}
	for _, d := range st.OverOps {
		fmt.Fprintf(w, "document %s: %d operations in all, past what this node opens; its changes are kept and passed on, but it is not read or edited here (concurrent branches no honest edit makes: copy what you need into a new document)\n",
			d.Doc, d.Ops)
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
		for _, s := range p.State {
			printPeerSpace(w, s)
		}
	}
}

// printPeerSpace prints what a peer holds of one space as far as we know.
func printPeerSpace(w io.Writer, s node.PeerSpace) {
	if !s.Known {
		fmt.Fprintf(w, "    %s: not known yet (nothing exchanged while serving)\n", s.Name)
		return
	}
	held := 0
	for _, d := range s.Docs {
		held += d.Changes
	}
	fmt.Fprintf(w, "    %s as of %s: holds %d change(s) in %d document(s); it lacks %d of ours, we lack %d of its; membership: it lacks %d operation(s), we lack %d head(s)\n",
		s.Name, s.At.Local().Format(time.DateTime), held, len(s.Docs), s.PendingOut, s.PendingIn, s.OpsOut, s.OpsIn)
}

func syncCmd(e *env) *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "sync [SPACE]",
		Short: "Pull now from every connected member (needs weft serve); exit 1 if anything is left pending either way",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				space := ""
				if len(args) == 1 {
					sp, err := n.ResolveSpace(ctx, args[0])
					if err != nil {
						return err
					}
					space = sp.ID
				}
				return e.syncNow(ctx, n, space, wait)
			})
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for nothing to be pending either way")
	return cmd
}

// syncNow runs node.SyncUntilCurrent (in space, or in every space when it
// is empty) on the daemon, then reports each connected peer. It fails
// (exit 1) naming what is still missing, and with exit 6 when no daemon
// runs.
func (e *env) syncNow(ctx context.Context, n Backend, space string, wait time.Duration) error {
	rep, err := n.SyncUntilCurrent(ctx, space, wait)
	if err != nil {
		return err
	}
	if err := e.emit(rep.Peers, func(w io.Writer) { printPeers(w, rep.Peers) }); err != nil {
		return err
	}
	if !rep.Complete {
		return fmt.Errorf("%w: %s", errCheckFailed, strings.Join(rep.Missing, "\n"))
	}
	return nil
}
