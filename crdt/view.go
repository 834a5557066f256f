package crdt

import (
	"fmt"

	"github.com/weftsync/weft/crdt/calendar"
	"github.com/weftsync/weft/crdt/casestudy"
	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// View reads the whole document, typed: exactly one of the view's Calendar,
// Case and Ledger is set, by the document's type. Fields of kinds this
// version does not expect read as zero values.
func (d *Doc) View() (model.View, error) {
	v, _, err := d.rootView()
	if err != nil {
		return model.View{}, err
	}
	switch d.typ {
	case model.Calendar:
		v.Calendar, err = calendar.View(d.am)
	case model.Case:
		v.Case, err = casestudy.View(d.am)
	case model.Ledger:
		v.Ledger, err = ledger.View(d.am)
	}
	if err != nil {
		return model.View{}, fmt.Errorf("crdt: view: %w", err)
	}
	return v, nil
}

// RootView is View of the root's own fields alone, at a cost that does
// not grow with the content: a ledger's currency and the ledgers it
// continues in (decision 0071) without its entries; a case study's ID and
// continuations without its titles and bodies, a calendar's name and
// continuations without its events (decision 0076).
func (d *Doc) RootView() (model.View, error) {
	v, root, err := d.rootView()
	if err != nil {
		return model.View{}, err
	}
	switch d.typ {
	case model.Calendar:
		v.Calendar = calendar.RootView(root)
	case model.Case:
		v.Case = casestudy.RootView(root)
	case model.Ledger:
		v.Ledger = ledger.RootView(root)
	}
	return v, nil
}

// rootView reads the root's fields and returns the view's common part
// (type, space, schema) beside them.
func (d *Doc) rootView() (model.View, amdoc.Fields, error) {
	if d.poison != nil {
		return model.View{}, nil, d.poison
	}
	root, err := amdoc.Root(d.am)
	if err != nil {
		return model.View{}, nil, fmt.Errorf("crdt: view: %w", err)
	}
	return model.View{Type: d.typ, Space: d.space, Schema: root.Int("schema")}, root, nil
}
