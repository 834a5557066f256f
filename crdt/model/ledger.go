package model

// Ledger entry directions.
const (
	DirectionIn       = "in"
	DirectionOut      = "out"
	DirectionTransfer = "transfer"
)

// Entry is one ledger entry. Entries are never edited: a correction is a
// new entry whose Reverses names the entry it cancels. AmountMinor is in the
// currency's ISO 4217 minor units (cents for EUR, yen for JPY) and is always
// positive; Direction says which way it moved.
type Entry struct {
	ID          string `cbor:"id" json:"id"`
	Date        string `cbor:"date" json:"date"` // YYYY-MM-DD
	Direction   string `cbor:"direction" json:"direction"`
	AmountMinor int64  `cbor:"amount_minor" json:"amount_minor"`
	Currency    string `cbor:"currency" json:"currency"`
	Category    string `cbor:"category" json:"category"`
	Memo        string `cbor:"memo" json:"memo"`
	From        string `cbor:"from" json:"from"`
	To          string `cbor:"to" json:"to"`
	Reverses    string `cbor:"reverses,omitempty" json:"reverses,omitempty"`
	// OpeningOf and OpeningAt mark an opening balance of a continued
	// ledger (decision 0071): the ledger it was carried from, and that
	// ledger's heads (hex change hashes, ascending, comma-separated) at
	// which the balance was computed.
	OpeningOf string `cbor:"opening_of,omitempty" json:"opening_of,omitempty"`
	OpeningAt string `cbor:"opening_at,omitempty" json:"opening_at,omitempty"`
	// Unfollowed is not written into the document: it lists the ledger's
	// continuation markers (decision 0071) that the node checked and does
	// not follow, because it holds no ledger of the space by that ID (a
	// continuation not received yet, or a marker a modified client forged).
	// The engine refuses the entry for any other marker the ledger holds.
	Unfollowed []string `cbor:"unfollowed,omitempty" json:"-"`
}

// LedgerView is what a ledger document holds.
type LedgerView struct {
	Currency string  `cbor:"currency" json:"currency"`
	Entries  []Entry `cbor:"entries" json:"entries"`
	// ContinuedIn lists the ledgers this one is continued in, ascending
	// (decision 0071): the first is where it continues; more than one means
	// members continued it concurrently, and the others are duplicates.
	ContinuedIn []string `cbor:"continued_in,omitempty" json:"continued_in,omitempty"`
}

// LedgerContinuation marks a ledger as continued in the ledger To.
type LedgerContinuation struct {
	To string `cbor:"to"`
}
