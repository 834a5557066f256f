package casestudy

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// View reads the case study.
func View(doc *am.Doc) (*model.CaseStudy, error) {
	if err := amdoc.Check(); err != nil {
		return nil, err
	}
	f, err := amdoc.Root(doc)
	if err != nil {
		return nil, err
	}
	titles, err := readLangs(f.Map("titles"))
	if err != nil {
		return nil, err
	}
	bodies, err := readLangs(f.Map("bodies"))
	if err != nil {
		return nil, err
	}
	return &model.CaseStudy{
		ID: f.Str("id"), Titles: titles, Bodies: bodies, Summary: f.Str("summary"),
		Region: f.Str("region"), Period: f.Str("period"), Tags: f.Strs("tags"),
		Outcomes: f.Str("outcomes"), Lessons: f.Str("lessons"), Sources: f.Strs("sources"),
		ContinuedIn: amdoc.Continuations(f, schema), Continues: f.Str("continues"), ContinuesAt: f.Str("continues_at"),
	}, nil
}

// RootView is what the root alone says of the case study: its ID and its
// place in a chain of continuations (decision 0076), read without the
// titles and bodies.
func RootView(f amdoc.Fields) *model.CaseStudy {
	return &model.CaseStudy{ID: f.Str("id"), ContinuedIn: amdoc.Continuations(f, schema),
		Continues: f.Str("continues"), ContinuesAt: f.Str("continues_at")}
}

// Continue marks the case study as continued in the case study to
// (decision 0076), and returns the commit message.
func Continue(w *amdoc.Writer, to string) (string, error) {
	return "continue case", amdoc.Continue(w, schema, to)
}

// Admit refuses an edit of a case study continued in another by a marker
// not in unfollowed.
func Admit(f amdoc.Fields, unfollowed []string) error {
	return amdoc.Admit(f, schema, "case study", unfollowed)
}

// readLangs reads a per-language map of strings or Texts.
func readLangs(m *am.Map) (map[string]string, error) {
	f, err := amdoc.Read(m)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(f))
	for lang := range f {
		out[lang] = f.Str(lang)
	}
	return out, nil
}
