package node

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/export"
)

// Limits of one ledger import (weft ledger import).
const (
	// MaxLedgerImport bounds the size of a ledger CSV file, in bytes.
	MaxLedgerImport = 64 << 20
	// MaxImportEntries bounds the entries of one import.
	MaxImportEntries = 100_000
	// maxEntryText bounds one text cell (the ledger schema's limit for a
	// string field).
	maxEntryText = 64 << 10
)

// ImportRow is one entry read from a ledger CSV file and the line its
// record starts on (the header is line 1).
type ImportRow struct {
	Line  int         `json:"line"`
	Entry model.Entry `json:"entry"`
}

// ImportError says which line and field of a ledger CSV file was refused,
// and why. It matches ErrInvalid.
type ImportError struct {
	Line  int    // 1 is the header
	Field string // a column name, or "csv" for the file's syntax
	Msg   string
}

// Error names the line and field.
func (e *ImportError) Error() string {
	return fmt.Sprintf("line %d, %s: %s", e.Line, e.Field, e.Msg)
}

// Unwrap makes an ImportError match ErrInvalid.
func (e *ImportError) Unwrap() error { return ErrInvalid }

func importErr(line int, field, format string, a ...any) error {
	return &ImportError{Line: line, Field: field, Msg: fmt.Sprintf(format, a...)}
}

// ledgerColumns are the columns a ledger CSV file may have: those
// export.LedgerCSV writes.
var ledgerColumns = export.LedgerHeader

// ParseLedgerCSV reads a ledger CSV file: what weft ledger export writes,
// or any CSV whose first line names its columns. Columns are matched by
// name (in any order, in any case): date, direction, currency and amount
// (a decimal such as 12.50) or amount_minor (integer minor units) are
// required; id, category, memo, from, to and reverses are optional, and
// recorded_by is ignored (whoever imports records, and attests, every
// entry). A column of another name is refused. A cell export prefixed
// with an apostrophe so that spreadsheets show it as text ('=SUM...) loses
// that apostrophe. An empty id leaves the entry to be given a new one.
// The first bad cell fails the whole file with an *ImportError naming its
// line and column.
func ParseLedgerCSV(r io.Reader) ([]ImportRow, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, importErr(1, "csv", "the file is empty: its first line must name the columns (%s)", strings.Join(ledgerColumns, ","))
	}
	if err != nil {
		return nil, csvErr(err)
	}
	cols, err := ledgerHeader(header)
	if err != nil {
		return nil, err
	}
	var rows []ImportRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) == MaxImportEntries {
			return nil, importErr(line, "csv", "more than %d entries: split the file", MaxImportEntries)
		}
		e, err := cols.entry(line, rec)
		if err != nil {
			return nil, err
		}
		rows = append(rows, ImportRow{Line: line, Entry: e})
	}
}

// csvErr turns the csv package's errors into an ImportError.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return importErr(pe.Line, "csv", "%v (column %d)", pe.Err, pe.Column)
	}
	return fmt.Errorf("node: read ledger CSV: %w", err)
}

// csvColumns maps a column name to its index in a record.
type csvColumns map[string]int

// ledgerHeader reads the header row.
func ledgerHeader(header []string) (csvColumns, error) {
	cols := csvColumns{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte order mark some spreadsheets write
		}
		name := strings.ToLower(strings.TrimSpace(h))
		switch _, dup := cols[name]; {
		case name == "":
			return nil, importErr(1, "csv", "column %d has no name", i+1)
		case !slices.Contains(ledgerColumns, name):
			return nil, importErr(1, "csv", "unknown column %q: the columns are %s (from: who money came from, to: who it went to)",
				clip(h), strings.Join(ledgerColumns, ", "))
		case dup:
			return nil, importErr(1, "csv", "column %q appears twice", name)
		}
		cols[name] = i
	}
	for _, need := range []string{"date", "direction", "currency"} {
		if _, ok := cols[need]; !ok {
			return nil, importErr(1, "csv", "no %q column: date, direction, currency and amount are required", need)
		}
	}
	_, amount := cols["amount"]
	_, minor := cols["amount_minor"]
	if !amount && !minor {
		return nil, importErr(1, "csv", "no \"amount\" column (or \"amount_minor\"): date, direction, currency and amount are required")
	}
	return cols, nil
}

// cell returns the named column of rec ("" when the file has no such
// column), without an export's formula-guarding apostrophe.
func (c csvColumns) cell(rec []string, name string) string {
	i, ok := c[name]
	if !ok {
		return ""
	}
	s := rec[i]
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && export.Neutralize(rest) != rest {
		return rest
	}
	return s
}

// entry reads one record.
func (c csvColumns) entry(line int, rec []string) (model.Entry, error) {
	word := func(name string) string { return strings.TrimSpace(c.cell(rec, name)) }
	e := model.Entry{
		ID: word("id"), Date: word("date"), Direction: strings.ToLower(word("direction")),
		Currency: strings.ToUpper(word("currency")), Reverses: word("reverses"),
		Category: c.cell(rec, "category"), Memo: c.cell(rec, "memo"), From: c.cell(rec, "from"), To: c.cell(rec, "to"),
	}
	if e.ID != "" && !model.ValidID(e.ID) {
		return e, importErr(line, "id", "%q is not a weft entry ID: leave the cell empty to give the entry a new one", clip(e.ID))
	}
	if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
		return e, importErr(line, "date", "%q is not a date: write YYYY-MM-DD, such as 2026-11-26", clip(e.Date))
	}
	if !slices.Contains([]string{model.DirectionIn, model.DirectionOut, model.DirectionTransfer}, e.Direction) {
		return e, importErr(line, "direction", "%q: use in, out or transfer", clip(e.Direction))
	}
	if _, err := model.CurrencyExponent(e.Currency); err != nil {
		return e, importErr(line, "currency", "%v", err)
	}
	var err error
	if e.AmountMinor, err = c.amount(line, rec, e.Currency); err != nil {
		return e, err
	}
	if e.Reverses != "" && (!model.ValidID(e.Reverses) || e.Reverses == e.ID) {
		return e, importErr(line, "reverses", "%q is not the ID of another entry", clip(e.Reverses))
	}
	for _, f := range [][2]string{{"category", e.Category}, {"memo", e.Memo}, {"from", e.From}, {"to", e.To}} {
		switch {
		case !utf8.ValidString(f[1]):
			return e, importErr(line, f[0], "not valid UTF-8: save the file as UTF-8")
		case len(f[1]) > maxEntryText:
			return e, importErr(line, f[0], "%d bytes, more than the limit of %d", len(f[1]), maxEntryText)
		}
	}
	return e, nil
}

// amount reads the amount and amount_minor cells: either, or both when
// they agree.
func (c csvColumns) amount(line int, rec []string, currency string) (int64, error) {
	dec, minorText := strings.TrimSpace(c.cell(rec, "amount")), strings.TrimSpace(c.cell(rec, "amount_minor"))
	var minor int64 = -1
	if minorText != "" {
		v, err := strconv.ParseInt(minorText, 10, 64)
		if err != nil || v <= 0 {
			return 0, importErr(line, "amount_minor", "%q is not a positive whole number of minor units", clip(minorText))
		}
		minor = v
	}
	if dec == "" {
		if minor < 0 {
			return 0, importErr(line, "amount", "empty: write an amount such as 12.50")
		}
		return minor, nil
	}
	v, err := model.ParseAmount(dec, currency)
	if err != nil {
		return 0, importErr(line, "amount", "%v", err)
	}
	if minor >= 0 && minor != v {
		return 0, importErr(line, "amount_minor", "%d does not match amount %s %s (%d)", minor, dec, currency, v)
	}
	return v, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	for i := 40; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}
