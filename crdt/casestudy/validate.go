package casestudy

import (
	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

const schema = "casestudy"

// ValidateCase checks a new case study: its ID, language tags, and that
// every string is valid UTF-8 within the limits.
func ValidateCase(c model.CaseStudy) error {
	if err := amdoc.ID(schema, "id", c.ID); err != nil {
		return err
	}
	if len(c.Titles) > amdoc.MaxItems || len(c.Bodies) > amdoc.MaxItems {
		return amdoc.Invalid(schema, "titles", "more than %d languages", amdoc.MaxItems)
	}
	for lang, t := range c.Titles {
		if err := validateLang("titles", lang, amdoc.Str, t); err != nil {
			return err
		}
	}
	for lang, b := range c.Bodies {
		if err := validateLang("bodies", lang, amdoc.Text, b); err != nil {
			return err
		}
	}
	return validatePatch(patchOf(model.CaseStudy{Summary: c.Summary, Region: c.Region,
		Period: c.Period, Tags: c.Tags, Outcomes: c.Outcomes, Lessons: c.Lessons, Sources: c.Sources}))
}

func validateLang(field, lang string, check func(schema, field, s string) error, s string) error {
	if err := amdoc.Lang(schema, field, lang); err != nil {
		return err
	}
	return check(schema, field+"."+lang, s)
}

// validatePatch checks a patch: a language whenever a title or body is
// given, valid UTF-8 within the limits everywhere.
func validatePatch(p model.CasePatch) error {
	if p.Title != nil || p.Body != nil {
		if err := amdoc.Lang(schema, "lang", p.Lang); err != nil {
			return err
		}
	}
	if p.Body != nil {
		if err := amdoc.Text(schema, "bodies."+p.Lang, *p.Body); err != nil {
			return err
		}
	}
	for _, f := range scalarFields(p) {
		if err := amdoc.Str(schema, f.name, *f.val); err != nil {
			return err
		}
	}
	for _, f := range listFields(p) {
		if err := amdoc.Strs(schema, f.name, *f.val); err != nil {
			return err
		}
	}
	return nil
}
