package model

// CaseStudy is one case study: a document of its own. Titles and bodies are
// per language (BCP 47 tags such as "en", "es", "fr", "ar"); bodies are
// Automerge Text in the document, edited by minimal splices.
type CaseStudy struct {
	ID       string            `cbor:"id" json:"id"`
	Titles   map[string]string `cbor:"titles" json:"titles"`
	Bodies   map[string]string `cbor:"bodies" json:"bodies"`
	Summary  string            `cbor:"summary" json:"summary"`
	Region   string            `cbor:"region" json:"region"`
	Period   string            `cbor:"period" json:"period"`
	Tags     []string          `cbor:"tags" json:"tags"`
	Outcomes string            `cbor:"outcomes" json:"outcomes"`
	Lessons  string            `cbor:"lessons" json:"lessons"`
	Sources  []string          `cbor:"sources" json:"sources"`
	// ContinuedIn, Continues and ContinuesAt place the document in a chain
	// of continuations (decision 0076): the documents it is continued in,
	// ascending (the first held one is where it continues), and the
	// document it continues with that document's heads (hex change hashes,
	// ascending, comma-separated) when its content was carried.
	ContinuedIn []string `cbor:"continued_in,omitempty" json:"continued_in,omitempty"`
	Continues   string   `cbor:"continues,omitempty" json:"continues,omitempty"`
	ContinuesAt string   `cbor:"continues_at,omitempty" json:"continues_at,omitempty"`
}

// CasePatch edits one case study per field. Title and Body apply to the
// language Lang; a Body is written as the smallest splice that turns the
// stored text into the new one.
type CasePatch struct {
	Lang     string    `cbor:"lang"`
	Title    *string   `cbor:"title,omitempty"`
	Body     *string   `cbor:"body,omitempty"`
	Summary  *string   `cbor:"summary,omitempty"`
	Region   *string   `cbor:"region,omitempty"`
	Period   *string   `cbor:"period,omitempty"`
	Tags     *[]string `cbor:"tags,omitempty"`
	Outcomes *string   `cbor:"outcomes,omitempty"`
	Lessons  *string   `cbor:"lessons,omitempty"`
	Sources  *[]string `cbor:"sources,omitempty"`
}
