package amdoc

import (
	"slices"
	"sort"
	"strings"
)

// ContinuedPrefix starts the root keys that mark a document as continued
// in another (decisions 0071 and 0076): one key per continuation, the
// prefix followed by the new document's ID, so that two members who
// continue a document concurrently each write a key of their own and
// neither hides the other, as two values set concurrently at one key would.
const ContinuedPrefix = "continued_in/"

// Continue marks the document of w as continued in the document to,
// beside any marker it already carries: the node decides where it
// continues (the lowest ID naming a document it holds of the same space
// and type).
func Continue(w *Writer, schema, to string) error {
	if err := Check(); err != nil {
		return err
	}
	if err := ID(schema, "continued_in", to); err != nil {
		return err
	}
	return w.Set(w.Doc().RootMap(), ContinuedPrefix+to, to)
}

// Continuations lists the documents the root's keys say this one is
// continued in, ascending: the first is where it continues, whoever wrote
// it.
func Continuations(root Fields, schema string) []string {
	var out []string
	for k := range root {
		if id, ok := strings.CutPrefix(k, ContinuedPrefix); ok && ID(schema, "continued_in", id) == nil {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// FirstFollowed returns the first of continued not in unfollowed, "" when
// none: the document then takes edits.
func FirstFollowed(continued, unfollowed []string) string {
	for _, id := range continued {
		if !slices.Contains(unfollowed, id) {
			return id
		}
	}
	return ""
}

// Admit refuses an edit of a document, a noun ("case study"), continued
// in another by a marker not in unfollowed (the markers the node checked
// and does not follow, decision 0076).
func Admit(root Fields, schema, noun string, unfollowed []string) error {
	if to := FirstFollowed(Continuations(root, schema), unfollowed); to != "" {
		return Invalid(schema, "continued_in", "this %s is continued in %s: edit it there", noun, to)
	}
	return nil
}
