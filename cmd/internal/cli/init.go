package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func initCmd(e *env) *cobra.Command {
	var name string
	var noPass bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Set up this machine's weft home: a sealed store and a new identity",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := e.options()
			opts.NoPassphrase = noPass
			opts.Passphrase = e.newPassphrase
			n, err := node.Init(cmd.Context(), opts, name)
			if err != nil {
				return err
			}
			defer n.Close()
			if noPass {
				e.note("warning: the store is not sealed by a passphrase; anyone with this laptop can read it")
			}
			out := map[string]string{"peer_id": n.PeerID(), "name": n.Name(), "home": opts.Home}
			return e.emit(out, func(w io.Writer) {
				fmt.Fprintf(w, "initialized %s\npeer ID %s\n", opts.Home, n.PeerID())
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "your display name, shown to the members of your spaces")
	cmd.Flags().BoolVar(&noPass, "no-passphrase", false, "do not seal the store with a passphrase (see docs/threat-model.md)")
	return cmd
}

func idCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "id",
		Short: "Print this node's peer ID",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(_ context.Context, n Backend) error {
				return e.emit(map[string]string{"peer_id": n.PeerID(), "name": n.Name()}, func(w io.Writer) {
					fmt.Fprintln(w, n.PeerID())
				})
			})
		},
	}
}
