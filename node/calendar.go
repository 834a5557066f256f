package node

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// createCalendar makes a calendar document named name in space.
func (n *Node) createCalendar(ctx context.Context, tx *writeTx, space, id, name string) error {
	meta, err := cbor.Marshal(docMeta{Name: name})
	if err != nil {
		return err
	}
	row := store.DocRow{ID: id, Space: space, Type: model.Calendar, Created: n.now().Unix(), Meta: meta}
	return n.createDoc(ctx, tx, row, model.Create{Type: model.Calendar, Space: space, Name: name})
}

// CreateCalendar makes another calendar in a space (one per campaign, say).
func (n *Node) CreateCalendar(ctx context.Context, sp Space, name string) (DocRef, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return DocRef{}, fmt.Errorf("%w: a calendar needs a name", ErrInvalid)
	}
	cals, err := n.Calendars(ctx, sp)
	if err != nil {
		return DocRef{}, err
	}
	for _, c := range cals {
		if c.Name == name {
			return DocRef{}, fmt.Errorf("%w: space %s already has a calendar named %q", ErrInvalid, sp.Name, name)
		}
	}
	ref := DocRef{ID: model.NewID(), Type: model.Calendar, Name: name}
	err = n.update(ctx, func(tx *writeTx) error { return n.createCalendar(ctx, tx, sp.ID, ref.ID, name) })
	return ref, err
}

// Calendars lists a space's calendars, the default one first.
func (n *Node) Calendars(ctx context.Context, sp Space) ([]DocRef, error) {
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return nil, err
	}
	refs, err := n.docsOf(ctx, sp.ID, model.Calendar)
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].ID == rec.Calendar && refs[j].ID != rec.Calendar })
	return refs, err
}

// docsOf lists a space's documents of one type.
func (n *Node) docsOf(ctx context.Context, space string, t model.DocType) ([]DocRef, error) {
	var refs []DocRef
	err := n.db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Docs(space)
		for _, r := range rows {
			if r.Type == t {
				refs = append(refs, docRef(r))
			}
		}
		return err
	})
	return refs, storeErr(err)
}

// resolveCalendar finds a calendar by name or ID; "" is the default.
func (n *Node) resolveCalendar(ctx context.Context, sp Space, arg string) (DocRef, error) {
	cals, err := n.Calendars(ctx, sp)
	if err != nil {
		return DocRef{}, err
	}
	if arg == "" {
		if len(cals) == 0 {
			return DocRef{}, fmt.Errorf("%w: space %s has no calendar", ErrNotFound, sp.Name)
		}
		return cals[0], nil
	}
	return resolve(cals, arg, "calendar", func(r DocRef) (string, string) { return r.ID, r.Name })
}

// AddEvent adds ev to a calendar ("" for the space's default) and returns
// its new ID. In a pending space it queues the edit (queue.go).
func (n *Node) AddEvent(ctx context.Context, sp Space, calendar string, ev model.Event) (string, error) {
	ev.ID = model.NewItemID()
	if queued, err := n.queueIfPending(ctx, sp, queuedEdit{Kind: queuedEvent, Calendar: calendar, Event: &ev}); queued || err != nil {
		return ev.ID, err
	}
	cal, err := n.resolveCalendar(ctx, sp, calendar)
	if err != nil {
		return "", err
	}
	err = n.update(ctx, func(tx *writeTx) error {
		return n.editDoc(ctx, tx, sp.ID, cal.ID, model.Edit{AddEvent: &ev})
	})
	return ev.ID, err
}

// Events lists the events of one calendar, or of all with calendar "",
// ordered by start.
func (n *Node) Events(ctx context.Context, sp Space, calendar string) ([]CalendarEvent, error) {
	cals, err := n.Calendars(ctx, sp)
	if calendar != "" {
		var one DocRef
		one, err = n.resolveCalendar(ctx, sp, calendar)
		cals = []DocRef{one}
	}
	if err != nil {
		return nil, err
	}
	var out []CalendarEvent
	for _, c := range cals {
		if _, over := n.overOpsOf(c.ID); over && calendar == "" {
			continue // not opened here (opstotal.go): 'weft status' lists it
		}
		v, err := n.view(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if v.Calendar == nil {
			return nil, fmt.Errorf("%w: document %s is not a calendar", ErrCorrupt, c.ID)
		}
		for _, ev := range v.Calendar.Events {
			out = append(out, CalendarEvent{Event: ev, Calendar: c.ID})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return eventStart(out[i].Event).Before(eventStart(out[j].Event)) })
	return out, nil
}

// Event finds one event by ID or ID prefix across a space's calendars.
func (n *Node) Event(ctx context.Context, sp Space, id string) (CalendarEvent, error) {
	evs, err := n.Events(ctx, sp, "")
	if err != nil {
		return CalendarEvent{}, err
	}
	return resolve(evs, id, "event", func(e CalendarEvent) (string, string) { return e.ID, "" })
}

// PatchEvent changes the given fields of one event.
func (n *Node) PatchEvent(ctx context.Context, sp Space, p model.EventPatch) error {
	ev, err := n.Event(ctx, sp, p.ID)
	if err != nil {
		return err
	}
	p.ID = ev.ID
	return n.update(ctx, func(tx *writeTx) error {
		return n.editDoc(ctx, tx, sp.ID, ev.Calendar, model.Edit{PatchEvent: &p})
	})
}
