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
	var qr bool
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
				if qr {
					if err := printQR(e.stderr, inv.Code); err != nil {
						return err
					}
				}
				e.note("This code admits %d person(s) to %s until %s (invite %s). It is a secret: hand it over in person or on a channel you trust.",
					max(o.Uses, 1), sp.Name, inv.Expires.Local().Format("2006-01-02 15:04"), inv.InviteID)
				noteInviteAddrs(e, inv)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Role, "role", "member", "role of the new member: member or steward")
	f.DurationVar(&o.Expires, "expires", 72*time.Hour, "how long the code admits")
	f.IntVar(&o.Uses, "uses", 1, "how many people the code admits")
	f.StringVar(&o.For, "for", "", "admit only this peer ID")
	f.BoolVar(&qr, "qr", false, "also draw the code as a QR code on stderr")
	cmd.AddCommand(revokeInviteCmd(e))
	return cmd
}

// noteInviteAddrs tells the steward how the joiner will find a member.
func noteInviteAddrs(e *env, inv node.Invitation) {
	if len(inv.Addrs) == 0 {
		e.note("The code carries no address (this node has never served): the joiner needs 'weft serve --peer' with a member's address.")
	} else {
		e.note("The code carries this node's %d listen address(es).", len(inv.Addrs))
	}
	e.note("The joiner runs 'weft join -' and 'weft serve': any member online admits them over the network. Without a network: 'weft join - -o REQUEST', then a member runs 'weft admit REQUEST'.")
}

func revokeInviteCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke INVITE_ID SPACE",
		Short: "Revoke an invite (stewards only): no member admits anyone with it from then on",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[1], func(ctx context.Context, n Backend, sp node.Space) error {
				if err := n.RevokeInvite(ctx, sp, args[0]); err != nil {
					return err
				}
				return e.emit(map[string]string{"invite_id": args[0], "space": sp.ID}, func(w io.Writer) {
					fmt.Fprintf(w, "revoked invite %s of %s\n", args[0], sp.ID)
				})
			})
		},
	}
}
