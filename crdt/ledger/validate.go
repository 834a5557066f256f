package ledger

import (
	"time"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

const schema = "ledger"

// Directions lists the entry directions.
var Directions = []string{model.DirectionIn, model.DirectionOut, model.DirectionTransfer}

// ValidateEntry checks an entry on its own: ID, date (YYYY-MM-DD), direction,
// a positive amount, an ISO 4217-shaped currency, valid UTF-8 within the
// limits, and that it does not reverse itself. Checks against the stored
// entries are made by AddEntry.
func ValidateEntry(e model.Entry) error {
	if err := amdoc.ID(schema, "id", e.ID); err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
		return amdoc.Invalid(schema, "date", "%q is not a date YYYY-MM-DD", e.Date)
	}
	if err := amdoc.OneOf(schema, "direction", e.Direction, Directions); err != nil {
		return err
	}
	if e.AmountMinor <= 0 {
		return amdoc.Invalid(schema, "amount_minor", "%d is not positive", e.AmountMinor)
	}
	if err := amdoc.Currency(schema, "currency", e.Currency); err != nil {
		return err
	}
	for _, kv := range [][2]string{{"category", e.Category}, {"memo", e.Memo}, {"from", e.From}, {"to", e.To}} {
		if err := amdoc.Str(schema, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if err := validateOpening(e); err != nil {
		return err
	}
	return validateReverses(e)
}

// validateOpening checks an opening balance's marks: both or neither, the
// ledger's ID, and the heads as ascending hex hashes.
func validateOpening(e model.Entry) error {
	if e.OpeningOf == "" && e.OpeningAt == "" {
		return nil
	}
	if err := amdoc.ID(schema, "opening_of", e.OpeningOf); err != nil {
		return err
	}
	if _, err := model.ParseHeads(e.OpeningAt); err != nil {
		return amdoc.Invalid(schema, "opening_at", "%v", err)
	}
	return nil
}

func validateReverses(e model.Entry) error {
	if e.Reverses == "" {
		return nil
	}
	if err := amdoc.ID(schema, "reverses", e.Reverses); err != nil {
		return err
	}
	if e.Reverses == e.ID {
		return amdoc.Invalid(schema, "reverses", "an entry cannot reverse itself")
	}
	return nil
}

// validateAgainst checks e against the stored entries: its ID is new, and a
// reversal names an existing entry that is not itself a reversal and has not
// been reversed already.
func validateAgainst(e model.Entry, ix *Index) error {
	if _, ok := ix.reverses[e.ID]; ok {
		return amdoc.Invalid(schema, "id", "entry %s already exists", e.ID)
	}
	if e.Reverses == "" {
		return nil
	}
	target, ok := ix.reverses[e.Reverses]
	switch {
	case !ok:
		return amdoc.Invalid(schema, "reverses", "no entry %s", e.Reverses)
	case target != "":
		return amdoc.Invalid(schema, "reverses", "entry %s is a reversal, which cannot be reversed", e.Reverses)
	case ix.reversed[e.Reverses]:
		return amdoc.Invalid(schema, "reverses", "entry %s is already reversed", e.Reverses)
	}
	return nil
}
