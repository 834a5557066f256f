package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func spaceCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "space", Short: "Create and list spaces (coalitions and working groups)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "create NAME",
		Short: "Create a space with you as its steward",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				sp, err := n.CreateSpace(ctx, args[0])
				if err != nil {
					return err
				}
				return e.emit(map[string]string{"id": sp.ID, "name": sp.Name}, func(w io.Writer) {
					fmt.Fprintln(w, sp.ID)
				})
			})
		},
	}, &cobra.Command{
		Use:   "list",
		Short: "List the spaces this node belongs to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				spaces, err := n.Spaces(ctx)
				if err != nil {
					return err
				}
				return e.emit(nonNil(spaces), func(w io.Writer) {
					for _, s := range spaces {
						switch {
						case s.Pending && s.Name == "":
							fmt.Fprintf(w, "%s  (join pending)\n", s.ID)
						case s.Pending:
							fmt.Fprintf(w, "%s  %s  (documents pending)\n", s.ID, s.Name)
						default:
							fmt.Fprintf(w, "%s  %s\n", s.ID, s.Name)
						}
					}
				})
			})
		},
	}, &cobra.Command{
		Use:   "show SPACE",
		Short: "Show a space's members and documents",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				d, err := n.SpaceDetail(ctx, sp)
				if err != nil {
					return err
				}
				return e.emit(d, func(w io.Writer) { printSpace(w, d) })
			})
		},
	}, spaceRelaysCmd(e))
	return cmd
}

func printSpace(w io.Writer, d node.SpaceDetail) {
	fmt.Fprintf(w, "%s  %s\ncreated %s\nmembers:\n", d.ID, d.Name, d.Created.Format("2006-01-02 15:04"))
	for _, m := range d.Members {
		fmt.Fprintf(w, "  %-20s %-8s %s\n", m.Name, m.Role, m.PeerID)
	}
	fmt.Fprintln(w, "calendars:")
	for _, c := range d.Calendars {
		fmt.Fprintf(w, "  %s  %s\n", c.ID, c.Name)
	}
	fmt.Fprintf(w, "ledger: %s\ncase studies: %d\n", d.Ledger, d.Cases)
}

// withSpace opens the node, resolves a SPACE argument and runs fn.
func (e *env) withSpace(cmd *cobra.Command, arg string, fn func(context.Context, Backend, node.Space) error) error {
	return e.withNode(cmd, func(ctx context.Context, n Backend) error {
		sp, err := n.ResolveSpace(ctx, arg)
		if err != nil {
			return err
		}
		return fn(ctx, n, sp)
	})
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
