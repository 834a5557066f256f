package node

import "github.com/weftsync/weft/crdt/model"

// EntryRecord is a ledger entry as scripts and the local API read it
// (weft ledger list --json, GET .../ledger): the entry with its amount as
// a decimal string beside the integer minor units.
type EntryRecord struct {
	LedgerEntry
	Amount string `json:"amount"`
}

// EntryRecords turns entries into their records.
func EntryRecords(ents []LedgerEntry) []EntryRecord {
	out := make([]EntryRecord, len(ents))
	for i, en := range ents {
		out[i] = EntryRecord{en, model.FormatMinor(en.AmountMinor, en.Currency)}
	}
	return out
}

// BalanceRecord is one currency's totals as scripts and the local API read
// them (weft ledger balance --json, GET .../ledger/balance): each figure
// as a decimal string and in minor units.
type BalanceRecord struct {
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

// BalanceRecords turns balances into their records.
func BalanceRecords(bals []Balance) []BalanceRecord {
	out := make([]BalanceRecord, len(bals))
	for i, b := range bals {
		f := func(m int64) string { return model.FormatMinor(m, b.Currency) }
		out[i] = BalanceRecord{b.Currency, f(b.In), b.In, f(b.Out), b.Out, f(b.Transfer), b.Transfer,
			f(b.In - b.Out), b.In - b.Out}
	}
	return out
}
