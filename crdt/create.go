package crdt

import (
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/calendar"
	"github.com/weftsync/weft/crdt/casestudy"
	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// Create makes a new document of c.Type under the given actor (ActorLen
// bytes): its root type, schema and space, and the type's own fields (a
// calendar's name, a ledger's currency, a case's content), committed at time
// at with message msg ("create <type>" when empty). It returns the Doc and
// the raw change chunks committed: one, or several when a large case body
// went in pieces (each under MaxChangeBytes and MaxChangeOps).
func Create(c model.Create, actor []byte, at time.Time, msg string) (*Doc, [][]byte, error) {
	if err := amdoc.Check(); err != nil {
		return nil, nil, err
	}
	if err := validateCreate(c); err != nil {
		return nil, nil, err
	}
	d := &Doc{am: am.New(), typ: c.Type, space: c.Space, piece: amdoc.PieceBytes}
	if err := d.setActor(actor); err != nil {
		return nil, nil, err
	}
	if msg == "" {
		msg = "create " + string(c.Type)
	}
	chunks, err := d.write("create", at, func(w *amdoc.Writer) (string, error) {
		return msg, initRoot(w, c)
	})
	if err != nil {
		return nil, nil, err
	}
	return d, chunks, nil
}

// validateCreate checks c before anything is written.
func validateCreate(c model.Create) error {
	if !c.Type.Valid() {
		return amdoc.Invalid("crdt", "type", "unknown document type %q", c.Type)
	}
	if err := amdoc.ID("crdt", "space", c.Space); err != nil {
		return err
	}
	if (c.Name != "" && c.Type != model.Calendar) ||
		(c.Currency != "") != (c.Type == model.Ledger) ||
		(c.Case != nil) != (c.Type == model.Case) {
		return amdoc.Invalid("crdt", "create", "a %s document takes %s", c.Type, createTakes[c.Type])
	}
	if c.Continues != "" || c.ContinuesAt != "" {
		if c.Type == model.Ledger {
			return amdoc.Invalid("crdt", "continues", "a ledger records what it continues in its opening balances")
		}
		if err := amdoc.ID("crdt", "continues", c.Continues); err != nil {
			return err
		}
		if err := amdoc.Str("crdt", "continues_at", c.ContinuesAt); err != nil {
			return err
		}
	}
	switch c.Type {
	case model.Calendar:
		return amdoc.Str("calendar", "name", c.Name)
	case model.Ledger:
		return amdoc.Currency("ledger", "currency", c.Currency)
	default:
		return casestudy.ValidateCase(*c.Case)
	}
}

var createTakes = map[model.DocType]string{
	model.Calendar: "a name, no currency and no case",
	model.Ledger:   "a currency, no name and no case",
	model.Case:     "a case, no name and no currency",
}

// initRoot writes the root fields every document has, then the type's own.
func initRoot(w *amdoc.Writer, c model.Create) error {
	root := w.Doc().RootMap()
	if err := w.Set(root, "type", string(c.Type)); err != nil {
		return err
	}
	if err := w.Set(root, "schema", int64(model.SchemaVersion)); err != nil {
		return err
	}
	if err := w.Set(root, "space", c.Space); err != nil {
		return err
	}
	if c.Continues != "" {
		if err := w.Set(root, "continues", c.Continues); err != nil {
			return err
		}
		if err := w.Set(root, "continues_at", c.ContinuesAt); err != nil {
			return err
		}
	}
	switch c.Type {
	case model.Calendar:
		return calendar.Init(w, c.Name)
	case model.Ledger:
		return ledger.Init(w, c.Currency)
	default:
		return casestudy.Init(w, *c.Case)
	}
}
