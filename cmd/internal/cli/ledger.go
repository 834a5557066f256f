package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func ledgerCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "Record money and aid moving between groups, transparently",
		Long: `Record money and aid moving between groups, transparently.

A ledger holds about 30,000 entries (300,000 operations). Past 90 % weft
status and every edit say so; 'weft ledger continue SPACE' then carries its
balances into a new ledger, which add, list, balance and audit use from then on.`}
	cmd.AddCommand(ledgerAddCmd(e), ledgerListCmd(e), ledgerBalanceCmd(e), ledgerAuditCmd(e),
		ledgerReverseCmd(e), ledgerExportCmd(e), ledgerImportCmd(e), ledgerContinueCmd(e))
	return cmd
}

func ledgerAddCmd(e *env) *cobra.Command {
	var amount, currency, direction, category, memo, from, to, date string
	cmd := &cobra.Command{
		Use:   "add SPACE --amount 12.50 --currency EUR --direction in|out|transfer",
		Short: "Record a ledger entry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ent, err := newEntry(amount, currency, direction, date)
			if err != nil {
				return err
			}
			ent.Category, ent.Memo, ent.From, ent.To = category, memo, from, to
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				id, err := n.AddEntry(ctx, sp, ent)
				if err != nil {
					return err
				}
				e.adviseOpBudget(ctx, n, sp)
				return e.emitAdded(sp, id)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&amount, "amount", "", "amount as a decimal, such as 12.50 (no more decimals than the currency has)")
	fl.StringVar(&currency, "currency", "", "ISO 4217 code, such as EUR, USD, JPY")
	fl.StringVar(&direction, "direction", "", "in, out or transfer")
	fl.StringVar(&category, "category", "", "what it is for")
	fl.StringVar(&memo, "memo", "", "a note")
	fl.StringVar(&from, "from", "", "who it came from")
	fl.StringVar(&to, "to", "", "who it went to")
	fl.StringVar(&date, "date", "", "YYYY-MM-DD (default: today)")
	return cmd
}

// newEntry checks the required fields of a new entry.
func newEntry(amount, currency, direction, date string) (model.Entry, error) {
	if amount == "" || currency == "" || direction == "" {
		return model.Entry{}, usagef("--amount, --currency and --direction are required")
	}
	currency = strings.ToUpper(currency)
	minor, err := model.ParseAmount(amount, currency)
	if err != nil {
		return model.Entry{}, fmt.Errorf("--amount %s %s: %w", amount, currency, err)
	}
	if !oneOf(direction, []string{model.DirectionIn, model.DirectionOut, model.DirectionTransfer}) {
		return model.Entry{}, usagef("--direction %q: use in, out or transfer", direction)
	}
	if date == "" {
		date = time.Now().Format(time.DateOnly)
	} else if _, err := model.ParseDay(date); err != nil {
		return model.Entry{}, fmt.Errorf("--date: %w", err)
	}
	return model.Entry{Date: date, Direction: direction, AmountMinor: minor, Currency: currency}, nil
}

func ledgerListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list SPACE",
		Short: "List ledger entries with who recorded each",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				ents, err := n.Entries(ctx, sp)
				if err != nil {
					return err
				}
				out := node.EntryRecords(ents)
				e.noteChain(ctx, n, sp)
				return e.emit(out, func(w io.Writer) {
					for _, en := range out {
						fmt.Fprintf(w, "%s  %s  %-8s %12s %s  %-12s %s (recorded by %s)\n", en.ID, en.Date, en.Direction,
							en.Amount, en.Currency, en.Category, en.Memo, en.RecordedBy)
					}
				})
			})
		},
	}
}

func ledgerBalanceCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "balance SPACE",
		Short: "Totals per currency: in, out, transfers (reported apart) and the balance",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				bals, err := n.Balances(ctx, sp)
				if err != nil {
					return err
				}
				out := node.BalanceRecords(bals)
				e.noteChain(ctx, n, sp)
				return e.emit(out, func(w io.Writer) {
					for _, b := range out {
						fmt.Fprintf(w, "%s  in %s  out %s  transfers %s  balance %s\n", b.Currency, b.In, b.Out, b.Transfer, b.Balance)
					}
				})
			})
		},
	}
}
