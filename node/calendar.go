package node

import (
	"context"
	"errors"
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

// Calendars lists a space's calendars, the default one (where the space's
// first calendar continues) first. A calendar continued in one this node
// holds is not listed: the one it continues in is (decision 0076).
func (n *Node) Calendars(ctx context.Context, sp Space) ([]DocRef, error) {
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return nil, err
	}
	all, err := n.docsOf(ctx, sp.ID, model.Calendar)
	if err != nil {
		return nil, err
	}
	refs := make([]DocRef, 0, len(all))
	for _, r := range all {
		if _, over := n.overOpsOf(r.ID); !over {
			v, err := n.viewRoot(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			if moved, err := n.movedOn(ctx, sp.ID, r.ID, v); err != nil || moved {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		refs = append(refs, r)
	}
	def := rec.Calendar
	if len(refs) < len(all) {
		if c, _, err := n.docChain(ctx, sp.ID, model.Calendar, rec.Calendar); err == nil {
			def = c.Current
		}
	}
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].ID == def && refs[j].ID != def })
	return refs, nil
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

// resolveCalendar finds a calendar by name or ID, "" for the default, and
// returns where its chain of continuations leads (decision 0076).
func (n *Node) resolveCalendar(ctx context.Context, sp Space, arg string) (DocRef, error) {
	cal, _, err := n.calendarTarget(ctx, sp, arg)
	return cal, err
}

// calendarTarget is resolveCalendar, and the markers of the calendar it
// returns that the node does not follow, for an edit (model.Edit's
// Unfollowed).
func (n *Node) calendarTarget(ctx context.Context, sp Space, arg string) (DocRef, []string, error) {
	ref, err := n.calendarRef(ctx, sp, arg)
	if err != nil {
		return DocRef{}, nil, err
	}
	doc, unfollowed, err := n.editTarget(ctx, sp.ID, model.Calendar, ref.ID)
	if err != nil {
		return DocRef{}, nil, err
	}
	ref.ID = doc // a continuation keeps the calendar's name
	return ref, unfollowed, nil
}

// calendarRef finds a calendar by name or ID, "" for the space's first
// calendar, before following any continuation: a name among the calendars
// listed, an ID or prefix among every calendar, continued ones included.
func (n *Node) calendarRef(ctx context.Context, sp Space, arg string) (DocRef, error) {
	all, err := n.docsOf(ctx, sp.ID, model.Calendar)
	if err != nil {
		return DocRef{}, err
	}
	if arg == "" {
		rec, err := n.resolveSpace(ctx, sp.ID)
		if err != nil {
			return DocRef{}, err
		}
		for _, r := range all {
			if r.ID == rec.Calendar {
				return r, nil
			}
		}
		if len(all) == 0 {
			return DocRef{}, fmt.Errorf("%w: space %s has no calendar", ErrNotFound, sp.Name)
		}
		return all[0], nil
	}
	key := func(r DocRef) (string, string) { return r.ID, r.Name }
	cals, err := n.Calendars(ctx, sp)
	if err != nil {
		return DocRef{}, err
	}
	ref, err := resolve(cals, arg, "calendar", key)
	if errors.Is(err, ErrNotFound) {
		ref, err = resolve(all, arg, "calendar", func(r DocRef) (string, string) { return r.ID, "" })
	}
	return ref, err
}

// AddEvent adds ev to a calendar ("" for the space's default) and returns
// its new ID. In a pending space it queues the edit (queue.go).
func (n *Node) AddEvent(ctx context.Context, sp Space, calendar string, ev model.Event) (string, error) {
	ev.ID = model.NewItemID()
	if queued, err := n.queueIfPending(ctx, sp, queuedEdit{Kind: queuedEvent, Calendar: calendar, Event: &ev}); queued || err != nil {
		return ev.ID, err
	}
	cal, err := n.calendarRef(ctx, sp, calendar)
	if err != nil {
		return "", err
	}
	err = n.editFollowing(ctx, sp.ID, model.Calendar, cal.ID, func(doc string, unfollowed []string) error {
		return n.update(ctx, func(tx *writeTx) error {
			return n.editDoc(ctx, tx, sp.ID, doc, model.Edit{AddEvent: &ev, Unfollowed: unfollowed})
		})
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
	return n.editFollowing(ctx, sp.ID, model.Calendar, ev.Calendar, func(doc string, unfollowed []string) error {
		return n.update(ctx, func(tx *writeTx) error {
			return n.editDoc(ctx, tx, sp.ID, doc, model.Edit{PatchEvent: &p, Unfollowed: unfollowed})
		})
	})
}
