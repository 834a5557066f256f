package replicate

import (
	"context"
	"fmt"
)

// DocWant is one document whose missing changes a responder asks for: a
// replica with version vector VV ({hex actor: seq}, nil for none) lacks
// some.
type DocWant struct {
	Doc string
	VV  map[string]uint64
}

// ManyLocal is a Local that can also read the missing changes of many
// documents of a space at once. The responder uses it, when Local
// implements it, to answer a fresh member's thousand documents with a
// few reads rather than one per document (decision 0025).
type ManyLocal interface {
	Local
	// MissingMany returns, for each of want in order, what Missing would
	// return for it, in one read. want holds at most MaxManyDocs
	// documents.
	MissingMany(ctx context.Context, space string, want []DocWant) ([][]Change, error)
}

// DocSizer is implemented by a StreamLocal that can tell, before reading
// them, how many bytes of changes documents hold. The responder then
// streams a document of more than maxReadBytes, however few changes the
// opener lacks of it, and ends a group read before the document that
// would take it past maxReadBytes: a read that is not streamed holds
// whole documents, and a member chooses how large its changes are.
type DocSizer interface {
	// DocBytes returns, for each of docs (at most MaxManyDocs) that holds
	// changes, about the bytes of its stored changes.
	DocBytes(ctx context.Context, space string, docs []string) (map[string]int64, error)
}

// Prefetch limits: documents per MissingMany call, and the changes they
// may lack by the digests (a bound on what one read holds in memory).
const (
	MaxManyDocs     = 256
	maxManyChanges  = 4096
	manyDocsAtFirst = 16 // the first read is small: the first frame leaves sooner
	// maxReadBytes bounds the stored bytes of the documents one read that
	// is not streamed takes, with a DocSizer (one document of more is
	// streamed): an honest group of 256 case documents is well under it.
	maxReadBytes = 8 << 20
)

// prefetch hands the responder each document's missing changes, read a
// group of documents ahead through ManyLocal, or one at a time through
// Missing when Local does not implement it.
type prefetch struct {
	local  Local
	space  string
	digest map[string]DocDigest
	send   []DocWant           // the documents to send, in order; the head is the next to read
	ready  map[string][]Change // read, not yet taken
	reads  int
	// streams is set when the Local streams large documents: a group
	// read stops before one (stream.go).
	streams bool
	// sizer, when the Local streams and implements DocSizer, tells the
	// stored bytes of the next documents to send (bytes, pruned as they
	// are taken).
	sizer DocSizer
	bytes map[string]int64
}

// sized learns the stored bytes of the next documents to send, as many
// as the next group read may take, that it does not know yet.
func (p *prefetch) sized(ctx context.Context) error {
	if p.sizer == nil {
		return nil
	}
	limit := MaxManyDocs
	if p.reads == 0 {
		limit = manyDocsAtFirst
	}
	var docs []string
	for _, w := range p.send[:min(limit, len(p.send))] {
		if _, ok := p.bytes[w.Doc]; !ok {
			docs = append(docs, w.Doc)
		}
	}
	if len(docs) == 0 {
		return nil
	}
	got, err := p.sizer.DocBytes(ctx, p.space, docs)
	if err != nil {
		return err
	}
	if p.bytes == nil {
		p.bytes = make(map[string]int64, len(docs))
	}
	for _, d := range docs {
		p.bytes[d] = got[d] // absent: no changes
	}
	return nil
}

// stream takes doc, the next document to send, from the reads when it is
// large enough to be streamed (a StreamLocal's MissingStream) and was not
// read with a group already.
func (p *prefetch) stream(ctx context.Context, doc string) (DocWant, bool, error) {
	if _, ok := p.ready[doc]; ok || len(p.send) == 0 || p.send[0].Doc != doc {
		return DocWant{}, false, nil
	}
	if err := p.sized(ctx); err != nil {
		return DocWant{}, false, err
	}
	if !p.large(p.send[0]) {
		return DocWant{}, false, nil
	}
	w := p.send[0]
	p.send = p.send[1:]
	delete(p.bytes, w.Doc)
	return w, true, nil
}

// large reports whether w lacks enough changes to be streamed, or holds
// more bytes than a read that is not streamed may.
func (p *prefetch) large(w DocWant) bool {
	return lacking(p.digest[w.Doc].VV, w.VV) >= streamFrom || p.bytes[w.Doc] > maxReadBytes
}

// wanted reports whether doc is among the documents to send.
func (p *prefetch) wanted(doc string) bool {
	if _, ok := p.ready[doc]; ok {
		return true
	}
	return len(p.send) > 0 && p.send[0].Doc == doc
}

// missing returns doc's missing changes; doc is the next document to
// send.
func (p *prefetch) missing(ctx context.Context, doc string) ([]Change, error) {
	if cs, ok := p.ready[doc]; ok {
		delete(p.ready, doc)
		return cs, nil
	}
	if len(p.send) == 0 || p.send[0].Doc != doc {
		return nil, fmt.Errorf("replicate: prefetch out of order at %s", doc)
	}
	ml, ok := p.local.(ManyLocal)
	if !ok {
		w := p.send[0]
		p.send = p.send[1:]
		return p.local.Missing(ctx, p.space, w.Doc, w.VV)
	}
	if err := p.sized(ctx); err != nil {
		return nil, err
	}
	group := p.group()
	for _, w := range group {
		delete(p.bytes, w.Doc)
	}
	got, err := ml.MissingMany(ctx, p.space, group)
	if err != nil {
		return nil, err
	}
	if len(got) != len(group) {
		return nil, fmt.Errorf("replicate: MissingMany answered %d documents of %d", len(got), len(group))
	}
	p.send = p.send[len(group):]
	p.reads++
	p.ready = make(map[string][]Change, len(group))
	for i, w := range group[1:] {
		p.ready[w.Doc] = got[i+1]
	}
	return got[0], nil
}

// group returns the next documents to read together: at most
// MaxManyDocs (fewer for the first read), and no more than the ones that
// lack maxManyChanges changes by the digests, nor, with a DocSizer, than
// the ones that hold maxReadBytes (at least one).
func (p *prefetch) group() []DocWant {
	limit := MaxManyDocs
	if p.reads == 0 {
		limit = manyDocsAtFirst
	}
	n, changes, size := 0, 0, int64(0)
	for n < len(p.send) && n < limit {
		if n > 0 && p.streams && p.large(p.send[n]) {
			break // streamed when its turn comes
		}
		if size += p.bytes[p.send[n].Doc]; n > 0 && size > maxReadBytes {
			break
		}
		changes += lacking(p.digest[p.send[n].Doc].VV, p.send[n].VV)
		n++
		if changes >= maxManyChanges {
			break
		}
	}
	return p.send[:n]
}

// lacking counts the changes a replica with vector theirs lacks of ours.
func lacking(ours, theirs map[string]uint64) int {
	n := 0
	for a, seq := range ours {
		if t := theirs[a]; seq > t {
			n += int(min(seq-t, 1<<20))
		}
	}
	return n
}
