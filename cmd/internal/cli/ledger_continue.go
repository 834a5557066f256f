package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func ledgerContinueCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "continue SPACE",
		Short: "Carry the ledger's balances into a new ledger, for a ledger near its 300,000-operation limit",
		Long: `Start a new ledger for the space and continue the current one there.

A document holds at most 300,000 operations (about 30,000 ledger entries);
weft status and every edit warn past 90 %. This command makes a new ledger
whose first entries are opening balances, one per currency and direction
as 'weft ledger balance' computes them, each recording the old ledger's ID
and the state (heads) it was computed at. The old ledger is marked as
continued (the mark syncs to every member) and refuses further entries;
'weft ledger add', list, balance and audit then work on the new one.
'weft ledger audit' checks the opening balances against the old ledger at
the recorded heads. If two members continue the same ledger concurrently,
every node picks the new ledger with the lowest ID; the other is reported
as a duplicate continuation in 'weft status' and 'weft ledger list'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				c, err := n.ContinueLedger(ctx, sp)
				if err != nil {
					return err
				}
				return e.emit(c, func(w io.Writer) { printContinuation(w, c) })
			})
		},
	}
}

func printContinuation(w io.Writer, c node.LedgerContinuation) {
	fmt.Fprintf(w, "ledger %s continues in %s\n", c.From, c.To)
	for _, o := range c.Openings {
		fmt.Fprintf(w, "    opening %-8s %12s %s\n", o.Direction, model.FormatMinor(o.AmountMinor, o.Currency), o.Currency)
	}
	if len(c.Openings) == 0 {
		fmt.Fprintln(w, "    no balances to carry")
	}
}

// printChain says where a continued ledger stands.
func printChain(w io.Writer, c node.LedgerChain) {
	printDocChain(w, "ledger", "entries", "recorded", c)
}

// printDocChain says where a continued document, a noun ("ledger", "case
// study", "calendar"), stands; its items ("entries", "edits") are made
// ("recorded", "made") in one document or another.
func printDocChain(w io.Writer, noun, items, made string, c node.DocChain) {
	if len(c.Previous) > 0 {
		fmt.Fprintf(w, "    %s %s continues %s\n", noun, c.Current, strings.Join(c.Previous, " <- "))
	}
	for _, a := range c.Announced {
		fmt.Fprintf(w, "    continuation %s is announced but not received: sync with a member (%s go to %s until it arrives)\n", a, items, c.Current)
	}
	for _, d := range c.Duplicates {
		fmt.Fprintf(w, "    %s %s is a duplicate continuation (a lower ID won): %s %s in it are not in %s\n", noun, d, items, made, c.Current)
	}
}

// noteChain tells people, on stderr, where the ledger shown continues.
func (e *env) noteChain(ctx context.Context, n Backend, sp node.Space) {
	c, err := n.LedgerChain(ctx, sp)
	if err != nil || (len(c.Previous) == 0 && len(c.Announced) == 0 && len(c.Duplicates) == 0) {
		return
	}
	var b strings.Builder
	printChain(&b, c)
	e.note("%s", strings.TrimRight(b.String(), "\n"))
}
