package replicate

import (
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Report says what one pull did, per space and document. On an
// incomplete pull it says what arrived (and was committed) before the end.
type Report struct {
	Peer   peer.ID       `json:"peer"`
	Spaces []SpaceReport `json:"spaces"`
	// Frames counts the frames received before the end frame.
	Frames int `json:"frames"`
	// BytesIn and BytesOut count the bytes on the wire either way.
	BytesIn  int64 `json:"bytes_in"`
	BytesOut int64 `json:"bytes_out"`
	// Complete: the end frame arrived and agreed with what came before.
	Complete bool `json:"complete"`
	// Skipped counts changes the responder could not send (see Summary).
	Skipped  int           `json:"skipped,omitempty"`
	Duration time.Duration `json:"duration"`
	// Remote is what the peer said it holds once the answer was in, per
	// space it served: membership-log heads and every document's version
	// vector. Nil when it said nothing (an incomplete pull, or an older
	// peer).
	Remote []SpaceState `json:"remote,omitempty"`
	// Unserved lists the asked spaces the peer did not serve: its roster
	// does not list us (it may lack our admission: PullProving), or it no
	// longer holds the space. Known only when Remote is.
	Unserved []string `json:"unserved,omitempty"`
}

// SpaceReport is one space's part of a pull.
type SpaceReport struct {
	Space string `json:"space"`
	// Ops counts the membership operations received; OpBytes their
	// frames' bytes on the wire.
	Ops     int         `json:"ops"`
	OpBytes int64       `json:"op_bytes"`
	Docs    []DocReport `json:"docs,omitempty"`
}

// DocReport is one document's part of a pull.
type DocReport struct {
	Doc  string `json:"doc"`
	Type string `json:"type"`
	// Received counts the changes received; the Ingested counts say what
	// became of them.
	Received int `json:"received"`
	Ingested
	// Bytes counts its frames' bytes on the wire.
	Bytes int64 `json:"bytes"`
}

// Received totals the changes received in every space.
func (r *Report) Received() int {
	n := 0
	for _, s := range r.Spaces {
		for _, d := range s.Docs {
			n += d.Received
		}
	}
	return n
}

// Ingested totals what became of the changes received.
func (r *Report) Ingested() Ingested {
	var t Ingested
	for _, s := range r.Spaces {
		for _, d := range s.Docs {
			t.add(d.Ingested)
		}
	}
	return t
}

// tally accumulates a report as frames arrive.
type tally struct {
	spaces map[string]*SpaceReport
	docs   map[string]map[string]*DocReport // space -> doc -> report
	order  []string                         // space IDs in the order asked
}

func newTally(asked []string) *tally {
	t := &tally{spaces: map[string]*SpaceReport{}, docs: map[string]map[string]*DocReport{}, order: asked}
	for _, s := range asked {
		t.spaces[s] = &SpaceReport{Space: s}
		t.docs[s] = map[string]*DocReport{}
	}
	return t
}

// doc returns the report of one document of an asked space, made on first
// use.
func (t *tally) doc(space, doc, typ string) *DocReport {
	d := t.docs[space][doc]
	if d == nil {
		d = &DocReport{Doc: doc, Type: typ}
		t.docs[space][doc] = d
	}
	return d
}

// fill writes the tally into r, spaces in the order asked and documents by
// ID.
func (t *tally) fill(r *Report) {
	r.Spaces = nil
	for _, id := range t.order {
		s := *t.spaces[id]
		for _, d := range t.docs[id] {
			s.Docs = append(s.Docs, *d)
		}
		sort.Slice(s.Docs, func(i, j int) bool { return s.Docs[i].Doc < s.Docs[j].Doc })
		r.Spaces = append(r.Spaces, s)
	}
}
