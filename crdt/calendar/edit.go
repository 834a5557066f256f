package calendar

import (
	"strings"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// Init writes a new calendar's own root fields: its name and an empty
// events map. The caller has written type, schema and space.
func Init(w *amdoc.Writer, name string) error {
	if err := amdoc.Check(); err != nil {
		return err
	}
	if err := amdoc.Str(schema, "name", name); err != nil {
		return err
	}
	root := w.Doc().RootMap()
	if err := w.Set(root, "name", name); err != nil {
		return err
	}
	_, err := w.NewMap(root, "events")
	return err
}

// AddEvent validates ev, then writes it as one new map under events. It
// returns the commit message. An error matching crdt's ErrInvalid means
// nothing was written.
func AddEvent(w *amdoc.Writer, ev model.Event) (string, error) {
	if err := amdoc.Check(); err != nil {
		return "", err
	}
	if err := ValidateEvent(ev); err != nil {
		return "", err
	}
	events, err := eventsMap(w)
	if err != nil {
		return "", err
	}
	if v, err := events.Get(ev.ID); err != nil || !v.IsVoid() {
		return "", amdoc.Invalid(schema, "id", "event %s already exists", ev.ID)
	}
	m, err := w.NewMap(events, ev.ID)
	if err != nil {
		return "", err
	}
	return "add event", write(w, m, amdoc.Fields{}, patchOf(ev))
}

// PatchEvent validates p against the stored event, then sets only the
// fields p names. It returns the commit message ("edit event title,start").
// An error matching crdt's ErrInvalid means nothing was written.
func PatchEvent(w *amdoc.Writer, p model.EventPatch) (string, error) {
	if err := amdoc.Check(); err != nil {
		return "", err
	}
	names := changedNames(p)
	if len(names) == 0 {
		return "", amdoc.Invalid(schema, "patch_event", "no field to change")
	}
	events, err := eventsMap(w)
	if err != nil {
		return "", err
	}
	m, f, err := readEvent(events, p.ID)
	if err != nil {
		return "", err
	}
	if err := validatePatch(p, f); err != nil {
		return "", err
	}
	return "edit event " + strings.Join(names, ","), write(w, m, f, p)
}

// eventsMap returns the root's events map, creating it if a document lacks it.
func eventsMap(w *amdoc.Writer) (*am.Map, error) {
	root := w.Doc().RootMap()
	f, err := amdoc.Read(root)
	if err != nil {
		return nil, err
	}
	if m := f.Map("events"); m != nil {
		return m, nil
	}
	if f.Has("events") {
		return nil, amdoc.Invalid(schema, "events", "is not a map in this document")
	}
	return w.NewMap(root, "events")
}

// readEvent returns the event map with the given ID and its fields.
func readEvent(events *am.Map, id string) (*am.Map, amdoc.Fields, error) {
	v, err := events.Get(id)
	if err != nil || v.Kind() != am.KindMap {
		return nil, nil, amdoc.Invalid(schema, "id", "no event %q", id)
	}
	f, err := amdoc.Read(v.Map())
	return v.Map(), f, err
}
