package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// entryInput is the body of POST .../ledger.
type entryInput struct {
	Amount    string `json:"amount"` // a decimal, such as "12.50"
	Currency  string `json:"currency"`
	Direction string `json:"direction"` // in, out or transfer
	Category  string `json:"category"`
	Memo      string `json:"memo"`
	From      string `json:"from"`
	To        string `json:"to"`
	Date      string `json:"date"` // YYYY-MM-DD; default today (UTC)
}

// entryJSON is a ledger entry with its amount as a decimal string beside
// the minor units: the shape of weft ledger list --json.
type entryJSON struct {
	node.LedgerEntry
	Amount string `json:"amount"`
}

// balanceJSON is one currency's totals: the shape of weft ledger balance
// --json.
type balanceJSON struct {
	Currency      string `json:"currency"`
	In            string `json:"in"`
	InMinor       int64  `json:"in_minor"`
	Out           string `json:"out"`
	OutMinor      int64  `json:"out_minor"`
	Transfer      string `json:"transfer"`
	TransferMinor int64  `json:"transfer_minor"`
	Balance       string `json:"balance"`
	BalanceMinor  int64  `json:"balance_minor"`
}

// reverseInput is the body of POST .../ledger/{id}/reverse.
type reverseInput struct {
	Memo string `json:"memo"`
}

func (s *Server) ledgerRoutes(mux *http.ServeMux) {
	s.inSpace(mux, "GET", "/ledger", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		ents, err := s.b.Entries(r.Context(), sp)
		out := make([]entryJSON, len(ents))
		for i, en := range ents {
			out[i] = entryJSON{en, model.FormatMinor(en.AmountMinor, en.Currency)}
		}
		return out, err
	})
	s.inSpace(mux, "POST", "/ledger", http.StatusCreated, s.addEntry)
	s.inSpace(mux, "GET", "/ledger/balance", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		bals, err := s.b.Balances(r.Context(), sp)
		out := make([]balanceJSON, len(bals))
		for i, b := range bals {
			f := func(m int64) string { return model.FormatMinor(m, b.Currency) }
			out[i] = balanceJSON{b.Currency, f(b.In), b.In, f(b.Out), b.Out, f(b.Transfer), b.Transfer,
				f(b.In - b.Out), b.In - b.Out}
		}
		return out, err
	})
	s.inSpace(mux, "GET", "/ledger/audit", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		findings, err := s.b.Audit(r.Context(), sp)
		return nonNil(findings), err
	})
	s.inSpace(mux, "POST", "/ledger/{id}/reverse", http.StatusCreated, func(r *http.Request, sp node.Space) (any, error) {
		var in reverseInput
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		id, err := s.b.Reverse(r.Context(), sp, r.PathValue("id"), in.Memo)
		return idOnly{id}, err
	})
}

func (s *Server) addEntry(r *http.Request, sp node.Space) (any, error) {
	var in entryInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	e, err := in.entry()
	if err != nil {
		return nil, err
	}
	id, err := s.b.AddEntry(r.Context(), sp, e)
	return idOnly{id}, err
}

// entry checks the input as weft ledger add checks its flags.
func (in entryInput) entry() (model.Entry, error) {
	if in.Amount == "" || in.Currency == "" || in.Direction == "" {
		return model.Entry{}, invalidf("amount, currency and direction are required")
	}
	currency := strings.ToUpper(in.Currency)
	minor, err := model.ParseAmount(in.Amount, currency)
	if err != nil {
		return model.Entry{}, invalidf("amount %s %s: %v", in.Amount, currency, err)
	}
	switch in.Direction {
	case model.DirectionIn, model.DirectionOut, model.DirectionTransfer:
	default:
		return model.Entry{}, invalidf("direction %q: use in, out or transfer", in.Direction)
	}
	date := in.Date
	if date == "" {
		date = time.Now().UTC().Format(time.DateOnly)
	} else if _, err := model.ParseDay(date); err != nil {
		return model.Entry{}, invalidf("date: %v", err)
	}
	return model.Entry{Date: date, Direction: in.Direction, AmountMinor: minor, Currency: currency,
		Category: in.Category, Memo: in.Memo, From: in.From, To: in.To}, nil
}
