package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func calendarCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "calendar", Short: "Make and list a space's calendars (one per campaign, say)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "create SPACE NAME",
		Short: "Make another calendar in a space",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				c, err := n.CreateCalendar(ctx, sp, args[1])
				if err != nil {
					return err
				}
				return e.emit(c, func(w io.Writer) { fmt.Fprintln(w, c.ID) })
			})
		},
	}, &cobra.Command{
		Use:   "list SPACE",
		Short: "List a space's calendars",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				cals, err := n.Calendars(ctx, sp)
				if err != nil {
					return err
				}
				return e.emit(nonNil(cals), func(w io.Writer) {
					for _, c := range cals {
						fmt.Fprintf(w, "%s  %s\n", c.ID, c.Name)
					}
				})
			})
		},
	}, calendarContinueCmd(e))
	return cmd
}
