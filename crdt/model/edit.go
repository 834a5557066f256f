package model

// Create is the first change of every document: its root fields, written once.
type Create struct {
	Type  DocType `cbor:"type"`
	Space string  `cbor:"space"`
	// Name is a calendar's name; Currency a ledger's default currency; Case
	// the initial content of a case study.
	Name     string     `cbor:"name,omitempty"`
	Currency string     `cbor:"currency,omitempty"`
	Case     *CaseStudy `cbor:"case,omitempty"`
	// Continues and ContinuesAt, for a case study or a calendar, name the
	// document whose content this one carries on and its heads then
	// (decision 0076).
	Continues   string `cbor:"continues,omitempty"`
	ContinuesAt string `cbor:"continues_at,omitempty"`
}

// Edit is one typed edit of one document. Exactly one field is set.
// The engine turns it into one Automerge commit (or a few, when a large text
// must be spliced in pieces).
type Edit struct {
	Create     *Create     `cbor:"create,omitempty"`
	AddEvent   *Event      `cbor:"add_event,omitempty"`
	PatchEvent *EventPatch `cbor:"patch_event,omitempty"`
	PatchCase  *CasePatch  `cbor:"patch_case,omitempty"`
	AddEntry   *Entry      `cbor:"add_entry,omitempty"`
	// ContinueLedger marks a ledger as continued in another (decision 0071).
	ContinueLedger *LedgerContinuation `cbor:"continue_ledger,omitempty"`
	// Continue marks a case study or a calendar as continued in another
	// (decision 0076).
	Continue *Continuation `cbor:"continue,omitempty"`
	// Unfollowed is not an edit and not written into the document: for a
	// case study or calendar edit, it lists the document's continuation
	// markers the node checked and does not follow (it holds no such
	// document). The engine refuses the edit for any other marker.
	Unfollowed []string `cbor:"unfollowed,omitempty"`
}

// Continuation marks a case study or a calendar as continued in the
// document To, of the same type and space.
type Continuation struct {
	To string `cbor:"to"`
}

// View is everything a document holds, typed. Exactly one of Calendar, Case
// and Ledger is set, according to Type.
type View struct {
	Type     DocType       `cbor:"type" json:"type"`
	Space    string        `cbor:"space" json:"space"`
	Schema   int64         `cbor:"schema" json:"schema"`
	Calendar *CalendarView `cbor:"calendar,omitempty" json:"calendar,omitempty"`
	Case     *CaseStudy    `cbor:"case,omitempty" json:"case,omitempty"`
	Ledger   *LedgerView   `cbor:"ledger,omitempty" json:"ledger,omitempty"`
}
