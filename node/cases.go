package node

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// AddCase adds a case study to a space, as a document of its own, and
// returns its ID. In a pending space it queues the edit (queue.go).
func (n *Node) AddCase(ctx context.Context, sp Space, c model.CaseStudy) (string, error) {
	c.ID = model.NewID()
	if queued, err := n.queueIfPending(ctx, sp, queuedEdit{Kind: queuedCase, Case: &c}); queued || err != nil {
		return c.ID, err
	}
	err := n.update(ctx, func(tx *writeTx) error { return n.createCase(ctx, tx, sp, c) })
	return c.ID, err
}

// createCase makes the document of case c, whose ID is set.
func (n *Node) createCase(ctx context.Context, tx *writeTx, sp Space, c model.CaseStudy) error {
	row := store.DocRow{ID: c.ID, Space: sp.ID, Type: model.Case, Created: n.now().Unix()}
	return n.createDoc(ctx, tx, row, model.Create{Type: model.Case, Space: sp.ID, Case: &c})
}

// Cases lists a space's case studies, by title.
func (n *Node) Cases(ctx context.Context, sp Space) ([]model.CaseStudy, error) {
	refs, err := n.docsOf(ctx, sp.ID, model.Case)
	if err != nil {
		return nil, err
	}
	out := make([]model.CaseStudy, 0, len(refs))
	for _, r := range refs {
		if _, over := n.overOpsOf(r.ID); over {
			continue // not opened here (opstotal.go): 'weft status' lists it
		}
		c, err := n.caseDoc(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		moved, err := n.movedOn(ctx, sp.ID, r.ID, model.View{Type: model.Case, Case: &c})
		if err != nil {
			return nil, err
		}
		if !moved { // a case continued in one this node holds is listed as that one
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return caseTitle(out[i]) < caseTitle(out[j]) })
	return out, nil
}

func (n *Node) caseDoc(ctx context.Context, id string) (model.CaseStudy, error) {
	v, err := n.view(ctx, id)
	if err != nil {
		return model.CaseStudy{}, err
	}
	if v.Case == nil {
		return model.CaseStudy{}, fmt.Errorf("%w: document %s is not a case study", ErrCorrupt, id)
	}
	c := *v.Case
	c.ID = id
	return c, nil
}

// Case finds one case study by ID or ID prefix, and returns where its
// chain of continuations leads (decision 0076): the case it continues in,
// when this node holds one.
func (n *Node) Case(ctx context.Context, sp Space, id string) (model.CaseStudy, error) {
	ref, err := n.caseRef(ctx, sp, id)
	if err != nil {
		return model.CaseStudy{}, err
	}
	c, _, err := n.docChain(ctx, sp.ID, model.Case, ref.ID)
	if err != nil {
		return model.CaseStudy{}, err
	}
	return n.caseDoc(ctx, c.Current)
}

// caseRef finds one case study by ID or ID prefix, continued ones
// included.
func (n *Node) caseRef(ctx context.Context, sp Space, id string) (DocRef, error) {
	refs, err := n.docsOf(ctx, sp.ID, model.Case)
	if err != nil {
		return DocRef{}, err
	}
	return resolve(refs, id, "case study", func(r DocRef) (string, string) { return r.ID, "" })
}

// PatchCase changes the given fields of a case study, or of the one it
// continues in (decision 0076); a new body is written as the smallest
// splice, so concurrent edits elsewhere survive.
func (n *Node) PatchCase(ctx context.Context, sp Space, id string, p model.CasePatch) error {
	if p.Lang == "" {
		return fmt.Errorf("%w: a case edit needs a language", ErrInvalid)
	}
	ref, err := n.caseRef(ctx, sp, id)
	if err != nil {
		return err
	}
	return n.editFollowing(ctx, sp.ID, model.Case, ref.ID, func(doc string, unfollowed []string) error {
		return n.update(ctx, func(tx *writeTx) error {
			return n.editDoc(ctx, tx, sp.ID, doc, model.Edit{PatchCase: &p, Unfollowed: unfollowed})
		})
	})
}

// CaseLanguages lists the languages a case study has a title or body in.
func CaseLanguages(c model.CaseStudy) []string {
	seen := map[string]bool{}
	for l := range c.Titles {
		seen[l] = true
	}
	for l := range c.Bodies {
		seen[l] = true
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func caseTitle(c model.CaseStudy) string {
	for _, l := range CaseLanguages(c) {
		if t := c.Titles[l]; t != "" {
			return t
		}
	}
	return ""
}

// SearchCases finds case studies whose text in any language contains every
// word of query, case-insensitively. The index lives in memory only: search
// never writes what it reads.
func (n *Node) SearchCases(ctx context.Context, sp Space, query string) ([]CaseHit, error) {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return nil, fmt.Errorf("%w: the search query is empty", ErrInvalid)
	}
	cases, err := n.Cases(ctx, sp)
	if err != nil {
		return nil, err
	}
	var hits []CaseHit
	for _, c := range cases {
		hits = append(hits, searchCase(c, words)...)
	}
	return hits, nil
}

// searchCase returns one hit per language of c that matches every word.
func searchCase(c model.CaseStudy, words []string) []CaseHit {
	shared := strings.Join(append([]string{c.Summary, c.Region, c.Outcomes, c.Lessons}, c.Tags...), "\n")
	var hits []CaseHit
	for _, l := range CaseLanguages(c) {
		text := c.Titles[l] + "\n" + c.Bodies[l] + "\n" + shared
		lower := strings.ToLower(text)
		if !containsAll(lower, words) {
			continue
		}
		hits = append(hits, CaseHit{ID: c.ID, Title: c.Titles[l], Lang: l, Snippet: snippet(text, lower, words[0])})
	}
	return hits
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// snippet is the text around the first match of word, on one line.
func snippet(text, lower, word string) string {
	i := strings.Index(lower, word)
	if i < 0 || len(lower) != len(text) { // case folding changed lengths: use runes
		i = 0
	}
	r := []rune(text[:max(i, 0)])
	start := max(len(r)-40, 0)
	rest := []rune(text[i:])
	end := min(len(rest), 80)
	s := string(r[start:]) + string(rest[:end])
	s = strings.Join(strings.Fields(s), " ")
	if start > 0 {
		s = "…" + s
	}
	if end < len(rest) {
		s += "…"
	}
	return s
}
