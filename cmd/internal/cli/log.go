package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func logCmd(e *env) *cobra.Command {
	var limit int
	var since string
	cmd := &cobra.Command{
		Use:   "log SPACE [--limit N] [--since TIME]",
		Short: "Show a space's history: when, which member (from signed attestations), which document, what",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var from time.Time
			if since != "" {
				var err error
				if from, err = parseBound(since, ""); err != nil {
					return fmt.Errorf("--since: %w", err)
				}
			}
			if limit < 0 {
				return usagef("--limit must be 0 (no limit) or more")
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				entries, err := n.Log(ctx, sp, from, limit)
				if err != nil {
					return err
				}
				return e.emit(nonNil(entries), func(w io.Writer) {
					for _, l := range entries {
						fmt.Fprintf(w, "%s  %-16s %-8s %s  %s\n", l.When.Local().Format("2006-01-02 15:04:05"), l.Member, l.DocType, l.Doc, l.What)
					}
				})
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "show at most N changes, newest first (0: all)")
	cmd.Flags().StringVar(&since, "since", "", "only changes at or after this date or time")
	return cmd
}
