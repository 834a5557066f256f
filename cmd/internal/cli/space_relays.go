package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

// spaceRelaysCmd lists a space's relays, or (a steward) sets or clears
// them.
func spaceRelaysCmd(e *env) *cobra.Command {
	var set []string
	var clear bool
	cmd := &cobra.Command{
		Use:   "relays SPACE [--set MULTIADDR]... [--clear]",
		Short: "List the relays the space's members use, or (a steward) set or clear them",
		Long: `Without flags, lists the relays the space's roster names: every member's
weft serve keeps a reservation on one and reaches the other members through
them when it cannot reach them directly.

A steward replaces the list with --set (repeatable; each a multiaddr ending
in /p2p/PEER-ID, such as an address the relay's weft serve prints) or
empties it with --clear. The change travels to the other members the next
time they sync, and a running weft serve uses it at once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write := cmd.Flags().Changed("set") || clear
			if clear && len(set) > 0 {
				return usagef("give --set ADDRESS or --clear, not both: --set alone replaces every relay")
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				var relays []string
				var err error
				if write {
					relays, err = n.SetRelays(ctx, sp, set)
				} else {
					relays, err = n.Relays(ctx, sp)
				}
				if err != nil {
					return err
				}
				if write {
					e.note("members learn the new relays when they next sync with this node")
				}
				return e.emit(map[string]any{"space": sp.ID, "relays": nonNil(relays)}, func(w io.Writer) {
					printRelays(w, sp, relays)
				})
			})
		},
	}
	cmd.Flags().StringArrayVar(&set, "set", nil, "replace the relays with these (repeatable; a multiaddr ending in /p2p/PEER-ID)")
	cmd.Flags().BoolVar(&clear, "clear", false, "remove every relay")
	return cmd
}

func printRelays(w io.Writer, sp node.Space, relays []string) {
	if len(relays) == 0 {
		fmt.Fprintf(w, "no relays set for %s\n", sp.Name)
		return
	}
	for _, r := range relays {
		fmt.Fprintln(w, r)
	}
}
