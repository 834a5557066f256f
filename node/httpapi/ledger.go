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

// reverseInput is the body of POST .../ledger/{id}/reverse.
type reverseInput struct {
	Memo string `json:"memo"`
}

func (s *Server) ledgerRoutes(mux *http.ServeMux) {
	s.inSpace(mux, "GET", "/ledger", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		ents, err := s.b.Entries(r.Context(), sp)
		return node.EntryRecords(ents), err
	})
	s.inSpace(mux, "POST", "/ledger", http.StatusCreated, s.addEntry)
	s.inSpace(mux, "GET", "/ledger/balance", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		bals, err := s.b.Balances(r.Context(), sp)
		return node.BalanceRecords(bals), err
	})
	s.inSpace(mux, "GET", "/ledger/chain", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		return s.b.LedgerChain(r.Context(), sp) // where a continued ledger continues (decision 0071)
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
