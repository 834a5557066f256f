package node

import (
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// Space is one space this node belongs to.
type Space struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Pending: this node waits to be admitted, or for the space's
	// documents; edits made now are queued (queue.go).
	Pending bool `json:"pending,omitempty"`
}

// SpaceDetail is a space with its members and documents.
type SpaceDetail struct {
	Space
	Members   []Member `json:"members"`
	Calendars []DocRef `json:"calendars"`
	Ledger    string   `json:"ledger"`
	Cases     int      `json:"cases"`
}

// Member is one member of a space, from the membership log.
type Member struct {
	PeerID string `json:"peer_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// DocRef names one document of a space.
type DocRef struct {
	ID   string        `json:"id"`
	Type model.DocType `json:"type"`
	Name string        `json:"name,omitempty"`
}

// CalendarEvent is an event with the calendar that holds it.
type CalendarEvent struct {
	model.Event
	Calendar string `json:"calendar"`
}

// CaseHit is one case study found by a search.
type CaseHit struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Lang    string `json:"lang"`
	Snippet string `json:"snippet"`
}

// LedgerEntry is a ledger entry with the member whose attested change
// recorded it (never a field anyone typed).
type LedgerEntry struct {
	model.Entry
	RecordedBy string    `json:"recorded_by"`
	RecorderID string    `json:"recorded_by_peer"`
	Recorded   time.Time `json:"recorded"`
	Reversed   bool      `json:"reversed"`
}

// Balance is the ledger's totals in one currency, in minor units.
type Balance struct {
	Currency string `json:"currency"`
	In       int64  `json:"in_minor"`
	Out      int64  `json:"out_minor"`
	Transfer int64  `json:"transfer_minor"`
}

// Finding is one thing the ledger audit found wrong.
type Finding struct {
	EntryID string    `json:"entry_id"`
	Problem string    `json:"problem"` // "deleted", "altered", "unattested"
	Field   string    `json:"field,omitempty"`
	By      string    `json:"by"`
	When    time.Time `json:"when"`
	Change  string    `json:"change"`
}

// LogEntry is one change in a space's history.
type LogEntry struct {
	When    time.Time     `json:"when"`
	Member  string        `json:"member"`
	PeerID  string        `json:"peer_id"`
	Doc     string        `json:"doc"`
	DocType model.DocType `json:"doc_type"`
	What    string        `json:"what"`
	Change  string        `json:"change"`
}

// ImportReport counts what an iCalendar import did, and says why each
// refused event was refused.
type ImportReport struct {
	Added     int             `json:"added"`
	Updated   int             `json:"updated"`
	Unchanged int             `json:"unchanged"`
	Refused   int             `json:"refused"`
	Refusals  []ImportRefusal `json:"refusals"`
}

// ImportRefusal is one well-formed event an import declined.
type ImportRefusal struct {
	UID    string `json:"uid"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}
