package casestudy

import "github.com/weftsync/weft/crdt/model"

type scalar struct {
	name string
	val  *string
}

type list struct {
	name string
	val  *[]string
}

// scalarFields lists the root-level string fields p sets (not the title,
// which lives under titles.<lang>).
func scalarFields(p model.CasePatch) []scalar {
	var out []scalar
	for _, f := range []scalar{{"summary", p.Summary}, {"region", p.Region},
		{"period", p.Period}, {"outcomes", p.Outcomes}, {"lessons", p.Lessons}} {
		if f.val != nil {
			out = append(out, f)
		}
	}
	return out
}

// listFields lists the list fields p sets.
func listFields(p model.CasePatch) []list {
	var out []list
	for _, f := range []list{{"tags", p.Tags}, {"sources", p.Sources}} {
		if f.val != nil {
			out = append(out, f)
		}
	}
	return out
}

// changedNames names every field p sets, for the commit message.
func changedNames(p model.CasePatch) []string {
	var names []string
	if p.Title != nil {
		names = append(names, "title["+p.Lang+"]")
	}
	if p.Body != nil {
		names = append(names, "body["+p.Lang+"]")
	}
	for _, f := range scalarFields(p) {
		names = append(names, f.name)
	}
	for _, f := range listFields(p) {
		names = append(names, f.name)
	}
	return names
}

// patchOf returns the patch that writes a new case's language-independent
// fields; lists are always written, so they exist to be edited later.
func patchOf(c model.CaseStudy) model.CasePatch {
	tags, sources := c.Tags, c.Sources
	if tags == nil {
		tags = []string{}
	}
	if sources == nil {
		sources = []string{}
	}
	return model.CasePatch{Summary: &c.Summary, Region: &c.Region, Period: &c.Period,
		Tags: &tags, Outcomes: &c.Outcomes, Lessons: &c.Lessons, Sources: &sources}
}
