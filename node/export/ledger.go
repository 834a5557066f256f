package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/weftsync/weft/crdt/model"
)

// LedgerHeader is the header row LedgerCSV writes.
var LedgerHeader = []string{
	"id", "date", "direction", "amount", "amount_minor", "currency",
	"category", "memo", "from", "to", "reverses", "recorded_by",
}

// LedgerCSV writes entries as CSV, one row per entry after the header
// row (LedgerHeader). amount is the decimal string (model.FormatMinor) and
// amount_minor the integer beside it. recordedBy names who recorded an
// entry, given its ID (the attesting member's display name); nil leaves the
// column empty.
func LedgerCSV(w io.Writer, entries []model.Entry, recordedBy func(entryID string) string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(LedgerHeader); err != nil {
		return fmt.Errorf("export: ledger csv: %w", err)
	}
	for _, e := range entries {
		if err := cw.Write(ledgerRow(e, recordedBy)); err != nil {
			return fmt.Errorf("export: ledger csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: ledger csv: %w", err)
	}
	return nil
}

// ledgerRow builds one row; every text cell is neutralised.
func ledgerRow(e model.Entry, recordedBy func(string) string) []string {
	by := ""
	if recordedBy != nil {
		by = recordedBy(e.ID)
	}
	row := []string{e.ID, e.Date, e.Direction, "", "", e.Currency, e.Category, e.Memo, e.From, e.To, e.Reverses, by}
	for i := range row {
		row[i] = Neutralize(row[i])
	}
	row[3] = model.FormatMinor(e.AmountMinor, e.Currency)
	row[4] = strconv.FormatInt(e.AmountMinor, 10)
	return row
}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP "CSV injection"), with their full-width forms.
const formulaStarts = "=+-@\t\r＝＋－＠"

// Neutralize prefixes s with an apostrophe when a spreadsheet would read it
// as a formula, so that it is shown as text.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, []rune(s)[0]) {
		return "'" + s
	}
	return s
}
