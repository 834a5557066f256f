package export

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/weftsync/weft/crdt/model"
)

// ErrNoLanguage means a case study has no title and no body in a language
// asked for.
var ErrNoLanguage = errors.New("export: case study has no text in language")

// CaseMarkdown writes a case study as Markdown: one document per language
// in langs (every language the study has, sorted, when langs is empty),
// separated by a horizontal rule. Each has the title, a list of summary,
// region, period and tags, the body as written (bodies are Markdown), then
// outcomes, lessons and sources. Labels are in English. A language with
// neither title nor body wraps ErrNoLanguage and nothing is written.
func CaseMarkdown(w io.Writer, c model.CaseStudy, langs []string) error {
	if len(langs) == 0 {
		langs = caseLanguages(c)
	}
	var b strings.Builder
	for i, lang := range langs {
		if c.Titles[lang] == "" && c.Bodies[lang] == "" {
			return fmt.Errorf("%w %q", ErrNoLanguage, lang)
		}
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		writeCase(&b, c, lang)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("export: case markdown: %w", err)
	}
	return nil
}

// caseLanguages lists every language with a title or body, sorted.
func caseLanguages(c model.CaseStudy) []string {
	var langs []string
	for _, m := range []map[string]string{c.Titles, c.Bodies} {
		for l := range m {
			if !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
	}
	slices.Sort(langs)
	return langs
}

// writeCase writes one language's document.
func writeCase(b *strings.Builder, c model.CaseStudy, lang string) {
	title := oneLine(c.Titles[lang])
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(b, "# %s\n\n", title)
	for _, f := range [][2]string{{"Language", lang}, {"Summary", c.Summary}, {"Region", c.Region}, {"Period", c.Period}, {"Tags", strings.Join(c.Tags, ", ")}} {
		if f[1] != "" {
			fmt.Fprintf(b, "- **%s:** %s\n", f[0], oneLine(f[1]))
		}
	}
	if body := strings.TrimSpace(c.Bodies[lang]); body != "" {
		b.WriteString("\n" + body + "\n")
	}
	section(b, "Outcomes", c.Outcomes)
	section(b, "Lessons", c.Lessons)
	if len(c.Sources) > 0 {
		b.WriteString("\n## Sources\n\n")
		for _, s := range c.Sources {
			fmt.Fprintf(b, "- %s\n", oneLine(s))
		}
	}
}

// section writes a level-two section when text is not empty.
func section(b *strings.Builder, heading, text string) {
	if text = strings.TrimSpace(text); text != "" {
		fmt.Fprintf(b, "\n## %s\n\n%s\n", heading, text)
	}
}

// oneLine folds line breaks into spaces, for headings and list items.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
