package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func quarantineCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quarantine",
		Short: "Changes refused for good because they crashed weft's engine, and their authors",
		Long: `A change that kills weft's Automerge engine, and kills it again replayed alone,
is quarantined: refused from then on, with every later change attested by the
same member, and that member's peer is kept off the network. The peer that
merely forwarded it is never blamed.

Lift a quarantine only once you know why it happened (a fixed weft, a member
who explained): the change is accepted again the next time it arrives.`,
	}
	cmd.AddCommand(quarantineListCmd(e), quarantineLiftCmd(e), quarantineCutsCmd(e))
	return cmd
}

func quarantineListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the quarantined changes, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				qs, err := n.Quarantine(ctx)
				if err != nil {
					return err
				}
				return e.emit(nonNil(qs), func(w io.Writer) { printQuarantine(w, qs) })
			})
		},
	}
}

func printQuarantine(w io.Writer, qs []node.QuarantineEntry) {
	if len(qs) == 0 {
		fmt.Fprintln(w, "nothing quarantined")
		return
	}
	for _, q := range qs {
		fmt.Fprintf(w, "%s  change %s of document %s\n    author %s: %s\n",
			q.Time.Local().Format(time.DateTime), q.Change, q.Doc, q.Author, q.Reason)
	}
}

func quarantineLiftCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "lift HASH|AUTHOR",
		Short: "Lift the quarantine of one change (its hash) or of every change of a member (its peer ID)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				lifted, err := n.LiftQuarantine(ctx, args[0])
				if err != nil {
					return err
				}
				if lifted == 0 {
					return fmt.Errorf("%w: nothing quarantined matches %s: see 'weft quarantine list'", node.ErrNotFound, args[0])
				}
				return e.emit(map[string]int{"lifted": lifted}, func(w io.Writer) {
					fmt.Fprintf(w, "lifted %d quarantined change(s)\n", lifted)
				})
			})
		},
	}
}

func quarantineCutsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "cuts",
		Short: "Members cut for signing two histories, and the edits left out with them",
		Long: `A member who signs two different histories of one document (an
equivocation) has that document's history cut where the two part: what it
wrote past the cut is left out everywhere, and so is every change built on
it, even one another member made in good faith. This lists each cut, how
many changes it leaves out, and whose edits among them were honest: those
members can make their edits again (they are kept in the store, not read).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				cuts, err := n.Cuts(ctx)
				if err != nil {
					return err
				}
				return e.emit(nonNil(cuts), func(w io.Writer) { printCuts(w, cuts) })
			})
		},
	}
}

func printCuts(w io.Writer, cuts []node.CutReport) {
	if len(cuts) == 0 {
		fmt.Fprintln(w, "no history is cut")
		return
	}
	who := func(name, peerID string) string {
		switch {
		case peerID == "":
			return "an actor no member owns"
		case name == "":
			return peerID
		}
		return name + " (" + peerID + ")"
	}
	for _, c := range cuts {
		fmt.Fprintf(w, "%s %s of space %s: %s signed two histories; kept up to seq %d, %d change(s) left out\n",
			c.Type, c.Doc, c.Space, who(c.Name, c.Member), c.KeptUpTo, c.LeftOut)
		for _, o := range c.Others {
			fmt.Fprintf(w, "    %d edit(s) by %s, %s to %s, built on the cut history: make them again\n",
				o.Changes, who(o.Name, o.Member), o.First.Local().Format(time.DateTime), o.Last.Local().Format(time.DateTime))
		}
	}
}
