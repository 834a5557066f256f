package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/store"
)

// DocContinuation is what ContinueCase or ContinueCalendar did (decision
// 0076): the document continued, the new one, and the old one's heads its
// content was carried at.
type DocContinuation struct {
	Type  model.DocType `json:"type"`
	From  string        `json:"from"`
	To    string        `json:"to"`
	Heads string        `json:"heads"`
}

// ContinueCase starts a new case study with the current content of case
// id (by ID or prefix, followed along its chain of continuations) and
// marks the old one as continued in it, in one transaction (decision
// 0076). The new case records the old one's ID and heads; the old one
// takes no more edits, and edits by its ID go to the new one.
func (n *Node) ContinueCase(ctx context.Context, sp Space, id string) (DocContinuation, error) {
	ref, err := n.caseRef(ctx, sp, id)
	if err != nil {
		return DocContinuation{}, err
	}
	return n.continueDoc(ctx, sp, model.Case, ref.ID, func(v model.View, c DocContinuation) (store.DocRow, model.Create, []model.Edit, error) {
		cs := *v.Case
		cs.ID, cs.ContinuedIn, cs.Continues, cs.ContinuesAt = c.To, nil, "", ""
		row := store.DocRow{ID: c.To, Space: sp.ID, Type: model.Case, Created: n.now().Unix()}
		return row, model.Create{Type: model.Case, Space: sp.ID, Case: &cs, Continues: c.From, ContinuesAt: c.Heads}, nil, nil
	})
}

// ContinueCalendar starts a new calendar with the events of calendar
// ("" for the space's default; followed along its chain of continuations),
// each with its ID, recurrence and status (a cancellation included), and
// marks the old one as continued in it, in one transaction (decision
// 0076). The new calendar keeps the old one's name and records its ID and
// heads; the old one takes no more events, and event commands find the
// events in the new one.
func (n *Node) ContinueCalendar(ctx context.Context, sp Space, calendar string) (DocContinuation, error) {
	cal, err := n.calendarRef(ctx, sp, calendar)
	if err != nil {
		return DocContinuation{}, err
	}
	return n.continueDoc(ctx, sp, model.Calendar, cal.ID, func(v model.View, c DocContinuation) (store.DocRow, model.Create, []model.Edit, error) {
		meta, err := cbor.Marshal(docMeta{Name: v.Calendar.Name})
		if err != nil {
			return store.DocRow{}, model.Create{}, nil, err
		}
		row := store.DocRow{ID: c.To, Space: sp.ID, Type: model.Calendar, Created: n.now().Unix(), Meta: meta}
		edits := make([]model.Edit, len(v.Calendar.Events))
		for i := range v.Calendar.Events {
			edits[i] = model.Edit{AddEvent: &v.Calendar.Events[i]}
		}
		return row, model.Create{Type: model.Calendar, Space: sp.ID, Name: v.Calendar.Name, Continues: c.From, ContinuesAt: c.Heads}, edits, nil
	})
}

// carryFunc makes the new document of continuation c from the old one's
// view v: its row, its creation and the edits that follow it.
type carryFunc func(v model.View, c DocContinuation) (store.DocRow, model.Create, []model.Edit, error)

// continueDoc continues the document the chain from start ends at: in one
// transaction it reads that document and its heads, creates the new one
// by carry, and marks the old one with a marker that may use the ops kept
// for it (opReserve).
func (n *Node) continueDoc(ctx context.Context, sp Space, typ model.DocType, start string, carry carryFunc) (DocContinuation, error) {
	chain, _, err := n.docChain(ctx, sp.ID, typ, start)
	if err != nil {
		return DocContinuation{}, err
	}
	out := DocContinuation{Type: typ, From: chain.Current, To: model.NewID()}
	err = n.update(ctx, func(tx *writeTx) error {
		changes, err := tx.Changes(out.From)
		if err != nil {
			return err
		}
		out.Heads = model.FormatHeads(changeHeads(changes))
		v, err := n.viewIn(ctx, tx, out.From) // under the write lock: as the heads stand
		if err != nil {
			return err
		}
		row, c, edits, err := carry(v, out)
		if err != nil {
			return err
		}
		if err := n.createDoc(ctx, tx, row, c); err != nil {
			return err
		}
		if len(edits) > 0 {
			if err := n.editDocMany(ctx, tx, sp.ID, out.To, edits); err != nil {
				return err
			}
		}
		tx.intoReserve = true // the marker may use the ops kept for it
		return n.editDoc(ctx, tx, sp.ID, out.From, model.Edit{Continue: &model.Continuation{To: out.To}})
	})
	if err != nil {
		return DocContinuation{}, fmt.Errorf("node: continue %s: %w", typ, err)
	}
	return out, nil
}

// viewIn is view for a caller that holds the write lock (update): it
// loads doc from tx when the engine does not hold it.
func (n *Node) viewIn(ctx context.Context, tx *writeTx, doc string) (model.View, error) {
	v, err := n.eng.View(ctx, doc)
	if errors.Is(err, engine.ErrNotLoaded) {
		var actor []byte
		if actor, err = n.lease(ctx, tx, doc); err == nil {
			if err = n.loadRepaired(ctx, tx, doc, actor); err == nil {
				v, err = n.eng.View(ctx, doc)
			}
		}
	}
	if err != nil {
		return model.View{}, engineErr(err)
	}
	return v, nil
}

// editFollowing makes an edit of a case study or calendar, start or where
// its chain of continuations leads: edit gets that document and the
// markers of it the node checked and does not follow (model.Edit's
// Unfollowed). The edit goes to start first, with no markers named: the
// engine refuses it if start carries any marker (crdt's rule), so a
// document never continued, nearly every one, costs no read of its root.
// When the engine refuses it, the chain is resolved and the edit retried
// once if that names another document or markers to pass.
func (n *Node) editFollowing(ctx context.Context, space string, typ model.DocType, start string, edit func(doc string, unfollowed []string) error) error {
	resolve := func() (chainTarget, error) {
		doc, unfollowed, err := n.editTarget(ctx, space, typ, start)
		return chainTarget{doc: doc, unfollowed: unfollowed}, err
	}
	return followRefused(chainTarget{doc: start}, resolve, func(t chainTarget) error { return edit(t.doc, t.unfollowed) })
}

// editTarget returns where an edit of start goes, and the markers there
// the node does not follow.
func (n *Node) editTarget(ctx context.Context, space string, typ model.DocType, start string) (string, []string, error) {
	c, cur, err := n.docChain(ctx, space, typ, start)
	if err != nil {
		return "", nil, err
	}
	marks, _ := continuedIn(cur)
	return c.Current, marks, nil
}

// movedOn reports whether document id, whose view is v, continues in a
// document of its space this node holds: listings then show that one
// instead.
func (n *Node) movedOn(ctx context.Context, space, id string, v model.View) (bool, error) {
	marks, _ := continuedIn(v)
	if len(marks) == 0 {
		return false, nil
	}
	next, _, err := n.nextDoc(ctx, space, v.Type, marks, map[string]bool{id: true})
	return next != "", err
}

// CaseChain resolves where case study id (by ID or prefix) continues.
func (n *Node) CaseChain(ctx context.Context, sp Space, id string) (DocChain, error) {
	ref, err := n.caseRef(ctx, sp, id)
	if err != nil {
		return DocChain{}, err
	}
	c, _, err := n.docChain(ctx, sp.ID, model.Case, ref.ID)
	return c, err
}

// CalendarChain resolves where a calendar ("" for the space's default)
// continues.
func (n *Node) CalendarChain(ctx context.Context, sp Space, calendar string) (DocChain, error) {
	cal, err := n.calendarRef(ctx, sp, calendar)
	if err != nil {
		return DocChain{}, err
	}
	c, _, err := n.docChain(ctx, sp.ID, model.Calendar, cal.ID)
	return c, err
}
