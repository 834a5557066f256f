package casestudy

import (
	"strings"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// Init validates c and writes it as a new case document's own root fields.
// The caller has written type, schema and space.
func Init(w *amdoc.Writer, c model.CaseStudy) error {
	if err := amdoc.Check(); err != nil {
		return err
	}
	if err := ValidateCase(c); err != nil {
		return err
	}
	root := w.Doc().RootMap()
	if err := w.Set(root, "id", c.ID); err != nil {
		return err
	}
	if err := writeLangs(w, root, "titles", c.Titles, false); err != nil {
		return err
	}
	if err := writeLangs(w, root, "bodies", c.Bodies, true); err != nil {
		return err
	}
	return write(w, root, amdoc.Fields{}, patchOf(c))
}

func writeLangs(w *amdoc.Writer, root *am.Map, key string, byLang map[string]string, text bool) error {
	m, err := w.NewMap(root, key)
	if err != nil {
		return err
	}
	for lang, s := range byLang {
		if text {
			err = w.SetText(m, lang, s)
		} else {
			err = w.Set(m, lang, s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Patch validates p, then sets only the fields it names: the title of
// p.Lang, the body of p.Lang by its smallest splice, and root fields. It
// returns the commit message ("edit case body[en],tags"). An error matching
// crdt's ErrInvalid means nothing was written.
func Patch(w *amdoc.Writer, p model.CasePatch) (string, error) {
	if err := amdoc.Check(); err != nil {
		return "", err
	}
	names := changedNames(p)
	if len(names) == 0 {
		return "", amdoc.Invalid(schema, "patch_case", "no field to change")
	}
	if err := validatePatch(p); err != nil {
		return "", err
	}
	root := w.Doc().RootMap()
	f, err := amdoc.Read(root)
	if err != nil {
		return "", err
	}
	return "edit case " + strings.Join(names, ","), write(w, root, f, p)
}

// write sets p's fields on the root map, whose current fields are f.
func write(w *amdoc.Writer, root *am.Map, f amdoc.Fields, p model.CasePatch) error {
	if err := writeLang(w, root, f, p); err != nil {
		return err
	}
	for _, s := range scalarFields(p) {
		if err := w.SetStr(root, f, s.name, *s.val); err != nil {
			return err
		}
	}
	for _, l := range listFields(p) {
		if err := w.SetStrs(root, f, l.name, *l.val); err != nil {
			return err
		}
	}
	return nil
}

// writeLang writes p's title and body of p.Lang.
func writeLang(w *amdoc.Writer, root *am.Map, f amdoc.Fields, p model.CasePatch) error {
	if p.Title != nil {
		m, tf, err := langMap(w, root, f, "titles")
		if err != nil {
			return err
		}
		if err := w.SetStr(m, tf, p.Lang, *p.Title); err != nil {
			return err
		}
	}
	if p.Body == nil {
		return nil
	}
	m, bf, err := langMap(w, root, f, "bodies")
	if err != nil {
		return err
	}
	return w.EditText(m, bf, p.Lang, *p.Body)
}

// langMap returns the per-language map at root[key] and its fields,
// creating the map if the document lacks it.
func langMap(w *amdoc.Writer, root *am.Map, f amdoc.Fields, key string) (*am.Map, amdoc.Fields, error) {
	m := f.Map(key)
	if m == nil {
		var err error
		if m, err = w.NewMap(root, key); err != nil {
			return nil, nil, err
		}
	}
	lf, err := amdoc.Read(m)
	return m, lf, err
}
