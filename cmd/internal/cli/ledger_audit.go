package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/export"
)

func ledgerAuditCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "audit SPACE",
		Short: "Check that no entry was deleted or altered and every recorder is attested (exit 1 otherwise)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				findings, err := n.Audit(ctx, sp)
				if err != nil {
					return err
				}
				if err := e.emit(nonNil(findings), func(w io.Writer) { printFindings(w, findings) }); err != nil {
					return err
				}
				if len(findings) > 0 {
					return fmt.Errorf("%w: %d finding(s) in the ledger", errCheckFailed, len(findings))
				}
				return nil
			})
		},
	}
}

func printFindings(w io.Writer, findings []node.Finding) {
	if len(findings) == 0 {
		fmt.Fprintln(w, "ok: no entry was deleted or altered, and every entry's recorder is attested")
		return
	}
	for _, f := range findings {
		what := f.Problem
		if f.Field != "" {
			what += " (" + f.Field + ")"
		}
		fmt.Fprintf(w, "entry %s %s by %s at %s (change %s)\n", f.EntryID, what, f.By, f.When.Format("2006-01-02 15:04"), f.Change)
	}
}

func ledgerReverseCmd(e *env) *cobra.Command {
	var memo string
	cmd := &cobra.Command{
		Use:   "reverse SPACE ENTRY [--memo M]",
		Short: "Correct an entry by recording its reversal (entries are never edited)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				id, err := n.Reverse(ctx, sp, args[1], memo)
				if err != nil {
					return err
				}
				e.adviseOpBudget(ctx, n, sp)
				return e.emit(map[string]string{"id": id}, func(w io.Writer) { fmt.Fprintln(w, id) })
			})
		},
	}
	cmd.Flags().StringVar(&memo, "memo", "", "why it is reversed")
	return cmd
}

func ledgerExportCmd(e *env) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export SPACE --format csv [-o FILE]",
		Short: "Write the ledger as CSV for a spreadsheet",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "csv" {
				return usagef("unknown --format %q: only csv is supported", format)
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				ents, err := n.Entries(ctx, sp)
				if err != nil {
					return err
				}
				entries, names := make([]model.Entry, len(ents)), map[string]string{}
				for i, en := range ents {
					entries[i], names[en.ID] = en.Entry, en.RecordedBy
				}
				recorder := func(id string) string { return names[id] }
				return writeOutput(e, out, func(w io.Writer) error { return export.LedgerCSV(w, entries, recorder) })
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "output format: csv")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}
