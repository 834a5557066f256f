package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

// importProgressAt is the number of entries from which ledger import says
// on stderr what it is doing before it is done.
const importProgressAt = 500

func ledgerImportCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "import SPACE FILE.csv|-",
		Short: "Record the entries of a CSV file (from ledger export, or with a header naming its columns), all or none",
		Long: `Record every entry of a CSV file in the space's ledger, each as its own
change recorded (and attested) by you, all in one transaction: a bad cell
anywhere refuses the whole file, naming its line and column.

The file is what 'weft ledger export' writes, or any CSV whose first line
names its columns: date (YYYY-MM-DD), direction (in, out, transfer),
currency (EUR, USD, ...) and amount (12.50) or amount_minor (1250) are
required; id, category, memo, from, to and reverses are optional, and
recorded_by is ignored. An entry keeps its id, so an exported ledger
imported elsewhere holds the same entries; an id the ledger already holds
refuses the file (it was imported before). Use - to read stdin.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(e, args[1], node.MaxLedgerImport)
			if err != nil {
				return err
			}
			rows, err := node.ParseLedgerCSV(bytes.NewReader(data)) // refuse a bad file before reaching the node
			if err != nil {
				return fmt.Errorf("%s: %w", args[1], err)
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				if len(rows) >= importProgressAt {
					fmt.Fprintf(e.stderr, "importing %d entries from %s in one transaction...\n", len(rows), args[1])
				}
				rep, err := n.ImportEntries(ctx, sp, bytes.NewReader(data))
				if err != nil {
					return fmt.Errorf("%s: %w", args[1], err)
				}
				e.adviseOpBudget(ctx, n, sp)
				return e.emit(rep, func(w io.Writer) {
					if rep.Imported == 0 {
						fmt.Fprintln(w, "the file holds no entries: nothing imported")
						return
					}
					fmt.Fprintf(w, "imported %d entries (%s to %s)\n", rep.Imported, rep.FirstID, rep.LastID)
				})
			})
		},
	}
}
