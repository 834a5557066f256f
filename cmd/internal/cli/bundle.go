package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func bundleCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "bundle", Short: "Carry a space's changes on a USB stick: sealed, signed bundle files"}
	var out string
	export := &cobra.Command{
		Use:   "export SPACE",
		Short: "Write a bundle of the whole space (sealed with its key, signed by you)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				if err := writeOutput(e, out, func(w io.Writer) error { return n.ExportBundle(ctx, sp, w) }); err != nil {
					return err
				}
				e.note("Bundle of %s written to %s; any member can import it with 'weft bundle import FILE'.", sp.Name, orStdout(out))
				return nil
			})
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	cmd.AddCommand(export, &cobra.Command{
		Use:   "import FILE",
		Short: "Import a bundle of a space you are in ('-' reads stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				r, err := openInput(e, args[0])
				if err != nil {
					return err
				}
				defer r.Close()
				rep, err := n.ImportBundle(ctx, r)
				if err != nil {
					return err
				}
				return e.emit(rep, func(w io.Writer) {
					fmt.Fprintf(w, "space %s: %d change(s) added, %d duplicate, %d held, %d refused; %d membership operation(s), %d new document(s)\n",
						rep.Space, rep.Added, rep.Duplicate, rep.Held, rep.Refused, rep.Ops, rep.Docs)
					for _, f := range rep.Refusals {
						fmt.Fprintf(w, "  refused %s: %s\n", f.Change, f.Reason)
					}
				})
			})
		},
	})
	return cmd
}
