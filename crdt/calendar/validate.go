package calendar

import (
	"time"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

const schema = "calendar"

// ValidateEvent checks a new event before anything is written: its ID,
// kind, status, times (RFC 3339 with an offset, or YYYY-MM-DD when all-day),
// language tags, and that every string is valid UTF-8 within the limits.
func ValidateEvent(ev model.Event) error {
	if err := amdoc.ID(schema, "id", ev.ID); err != nil {
		return err
	}
	return validatePatch(patchOf(ev), amdoc.Fields{})
}

// validatePatch checks p against the event's stored fields (empty for a new
// event), so that times are checked with the all-day flag they will have.
func validatePatch(p model.EventPatch, stored amdoc.Fields) error {
	if err := validateTimes(p, stored); err != nil {
		return err
	}
	if p.Kind != nil {
		if err := amdoc.OneOf(schema, "kind", *p.Kind, model.EventKinds()); err != nil {
			return err
		}
	}
	if p.Status != nil {
		if err := amdoc.OneOf(schema, "status", *p.Status, model.EventStatuses()); err != nil {
			return err
		}
	}
	if p.ICSSequence != nil && *p.ICSSequence < 0 {
		return amdoc.Invalid(schema, "ics_sequence", "negative")
	}
	if err := validateLists(p); err != nil {
		return err
	}
	return validateStrings(p)
}

func validateTimes(p model.EventPatch, stored amdoc.Fields) error {
	if p.Start == nil && p.End == nil && p.AllDay == nil {
		return nil
	}
	allDay, start, end := stored.Bool("all_day"), stored.Str("start"), stored.Str("end")
	if p.AllDay != nil {
		allDay = *p.AllDay
	}
	if p.Start != nil {
		start = *p.Start
	}
	if p.End != nil {
		end = *p.End
	}
	if err := checkTime("start", start, allDay); err != nil {
		return err
	}
	if end == "" {
		return nil
	}
	return checkTime("end", end, allDay)
}

func checkTime(field, s string, allDay bool) error {
	layout, want := time.RFC3339, "an RFC 3339 time with offset"
	if allDay {
		layout, want = time.DateOnly, "a date YYYY-MM-DD (all-day event)"
	}
	if _, err := time.Parse(layout, s); err != nil {
		return amdoc.Invalid(schema, field, "%q is not %s", s, want)
	}
	return nil
}

func validateLists(p model.EventPatch) error {
	if p.Languages != nil {
		if err := amdoc.Strs(schema, "languages", *p.Languages); err != nil {
			return err
		}
		for _, l := range *p.Languages {
			if err := amdoc.Lang(schema, "languages", l); err != nil {
				return err
			}
		}
	}
	if p.Recurrence != nil {
		if err := amdoc.Strs(schema, "recurrence", *p.Recurrence); err != nil {
			return err
		}
	}
	if len(p.LocalVariants) > amdoc.MaxItems {
		return amdoc.Invalid(schema, "local_variants", "%d groups, more than %d", len(p.LocalVariants), amdoc.MaxItems)
	}
	for group, lv := range p.LocalVariants {
		if err := validateVariant(group, lv); err != nil {
			return err
		}
	}
	return nil
}

func validateVariant(group string, lv *model.LocalVariant) error {
	if group == "" {
		return amdoc.Invalid(schema, "local_variants", "empty group name")
	}
	if err := amdoc.Str(schema, "local_variants", group); err != nil {
		return err
	}
	if lv == nil {
		return nil
	}
	for _, s := range []string{lv.Note, lv.Start, lv.End, lv.Place} {
		if err := amdoc.Str(schema, "local_variants."+group, s); err != nil {
			return err
		}
	}
	return nil
}

func validateStrings(p model.EventPatch) error {
	for _, f := range scalarFields(p) {
		if err := amdoc.Str(schema, f.name, *f.val); err != nil {
			return err
		}
	}
	if p.Description != nil {
		return amdoc.Text(schema, "description", *p.Description)
	}
	return nil
}
