// Package casestudy is the schema of case documents (DESIGN.md section 3):
// one case study per document, its root holding the case's ID, titles per
// language (scalar strings), bodies per language (Automerge Text), summary,
// region, period, tags, outcomes, lessons and sources.
//
// Bodies are only ever edited by the smallest splice between the stored and
// the new text, so two members editing different paragraphs offline both
// keep their work. A new language gets a new Text. Fields this version does
// not know are never touched. Functions run only in the engine and are not
// safe for concurrent use of one doc.
package casestudy
