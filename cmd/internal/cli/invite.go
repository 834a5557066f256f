package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func inviteCmd(e *env) *cobra.Command {
	var o node.InviteOptions
	cmd := &cobra.Command{
		Use:   "invite SPACE",
		Short: "Make an invite code for a new member (stewards only); the code alone goes to stdout",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				inv, err := n.Invite(ctx, sp, o)
				if err != nil {
					return err
				}
				if err := e.emit(inv, func(w io.Writer) { fmt.Fprintln(w, inv.Code) }); err != nil {
					return err
				}
				e.note("This code admits %d person(s) to %s until %s. It is a secret: hand it over in person or on a channel you trust.",
					max(o.Uses, 1), sp.Name, inv.Expires.Local().Format("2006-01-02 15:04"))
				e.note("The joiner runs 'weft join -' and brings the request to any member, who runs 'weft admit'.")
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Role, "role", "member", "role of the new member: member or steward")
	f.DurationVar(&o.Expires, "expires", 72*time.Hour, "how long the code admits")
	f.IntVar(&o.Uses, "uses", 1, "how many people the code admits")
	f.StringVar(&o.For, "for", "", "admit only this peer ID")
	return cmd
}
