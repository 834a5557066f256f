package node

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/ics"
)

// ExportICS writes one calendar ("" for the default) as iCalendar.
func (n *Node) ExportICS(ctx context.Context, sp Space, calendar string, w io.Writer) error {
	cal, err := n.resolveCalendar(ctx, sp, calendar)
	if err != nil {
		return err
	}
	evs, err := n.Events(ctx, sp, cal.ID)
	if err != nil {
		return err
	}
	events := make([]model.Event, len(evs))
	for i, e := range evs {
		events[i] = e.Event
	}
	return ics.Export(w, cal.Name, events, n.now())
}

// ImportICS reads an iCalendar file into a calendar ("" for the default).
// It is idempotent by UID: an event already imported is updated only when
// the file's SEQUENCE, or else its LAST-MODIFIED, is newer. A broken file
// imports nothing; the whole import is one transaction.
func (n *Node) ImportICS(ctx context.Context, sp Space, calendar string, r io.Reader) (ImportReport, error) {
	parsed, err := ics.Import(r, time.Local)
	if err != nil {
		return ImportReport{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	cal, unfollowed, err := n.calendarTarget(ctx, sp, calendar)
	if err != nil {
		return ImportReport{}, err
	}
	existing, err := n.Events(ctx, sp, cal.ID)
	if err != nil {
		return ImportReport{}, err
	}
	byUID := map[string]model.Event{}
	for _, e := range existing {
		if e.ICSUID != "" {
			byUID[e.ICSUID] = e.Event
		}
	}
	var rep ImportReport
	err = n.update(ctx, func(tx *writeTx) error {
		rep = refusals(parsed.Refused)
		for _, in := range parsed.Events {
			edit, outcome := importEdit(byUID, in)
			if edit != nil {
				edit.Unfollowed = unfollowed
				if err := n.editDoc(ctx, tx, sp.ID, cal.ID, *edit); err != nil {
					return fmt.Errorf("event %q: %w", in.UID, err)
				}
			}
			rep.count(outcome)
		}
		return nil
	})
	return rep, err
}

// refusals starts a report with the events the file's parser declined.
func refusals(refused []ics.Refusal) ImportReport {
	rep := ImportReport{Refused: len(refused), Refusals: []ImportRefusal{}}
	for _, r := range refused {
		rep.Refusals = append(rep.Refusals, ImportRefusal{UID: r.UID, Line: r.Line, Reason: r.Reason})
	}
	return rep
}

func (r *ImportReport) count(outcome string) {
	switch outcome {
	case "added":
		r.Added++
	case "updated":
		r.Updated++
	default:
		r.Unchanged++
	}
}

// importEdit decides what one imported event does: add it, update the
// stored one field by field, or nothing. byUID learns what was added.
func importEdit(byUID map[string]model.Event, in ics.ImportedEvent) (*model.Edit, string) {
	ev := in.Event
	ev.ICSUID, ev.ICSSequence, ev.ICSModified = in.UID, in.Sequence, modifiedString(in.LastModified)
	old, ok := byUID[in.UID]
	if !ok {
		ev.ID = model.NewItemID()
		byUID[in.UID] = ev
		return &model.Edit{AddEvent: &ev}, "added"
	}
	if !newer(ev, old) {
		return nil, "unchanged"
	}
	ev.ID = old.ID
	byUID[in.UID] = ev
	p := diffEvent(old, ev)
	return &model.Edit{PatchEvent: &p}, "updated"
}

func modifiedString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// newer reports whether the file's version of an event supersedes ours.
func newer(in, old model.Event) bool {
	if in.ICSSequence != old.ICSSequence {
		return in.ICSSequence > old.ICSSequence
	}
	return in.ICSModified > old.ICSModified // RFC 3339 UTC strings order as times
}

// diffEvent is the per-field patch that turns old into ev.
func diffEvent(old, ev model.Event) model.EventPatch {
	p := model.EventPatch{ID: old.ID}
	str := func(dst **string, a, b string) {
		if a != b {
			*dst = &b
		}
	}
	str(&p.Title, old.Title, ev.Title)
	str(&p.Kind, old.Kind, ev.Kind)
	str(&p.Status, old.Status, ev.Status)
	str(&p.Start, old.Start, ev.Start)
	str(&p.End, old.End, ev.End)
	str(&p.Zone, old.Zone, ev.Zone)
	str(&p.Place, old.Place, ev.Place)
	str(&p.Online, old.Online, ev.Online)
	str(&p.Description, old.Description, ev.Description)
	str(&p.ICSModified, old.ICSModified, ev.ICSModified)
	if old.AllDay != ev.AllDay {
		p.AllDay = &ev.AllDay
	}
	if !slices.Equal(old.Languages, ev.Languages) {
		p.Languages = &ev.Languages
	}
	if !slices.Equal(old.Recurrence, ev.Recurrence) {
		p.Recurrence = &ev.Recurrence
	}
	if old.ICSSequence != ev.ICSSequence {
		p.ICSSequence = &ev.ICSSequence
	}
	return p
}
