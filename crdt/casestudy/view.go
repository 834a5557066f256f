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
	}, nil
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
