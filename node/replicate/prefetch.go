package replicate

import (
	"context"
	"errors"
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
	// documents. A read that would hold more than MaxReadBytes of them
	// fails with ErrReadOverBytes; when the Local is a StreamLocal, the
	// responder then streams them one by one.
	MissingMany(ctx context.Context, space string, want []DocWant) ([][]Change, error)
}

// MaxReadBytes bounds the bytes a ManyLocal's group read holds (whole
// documents: what they hold decides, not what the opener lacks of them).
// An honest group of 256 case documents or ledgers of a few thousand
// entries is well under it.
const MaxReadBytes = 8 << 20

// Prefetch limits: documents per MissingMany call, and the changes they
// may lack by the digests (a bound on what one read holds in memory).
const (
	MaxManyDocs     = 256
	maxManyChanges  = 4096
	manyDocsAtFirst = 16 // the first read is small: the first frame leaves sooner
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
	// over holds the documents of a group read that failed with
	// ErrReadOverBytes, each streamed when its turn comes.
	over map[string]bool
}

// stream takes doc, the next document to send, from the reads when it is
// large enough to be streamed (a StreamLocal's MissingStream) and was not
// read with a group already.
func (p *prefetch) stream(doc string) (DocWant, bool) {
	if _, ok := p.ready[doc]; ok || len(p.send) == 0 || p.send[0].Doc != doc || !p.large(p.send[0]) {
		return DocWant{}, false
	}
	w := p.send[0]
	p.send = p.send[1:]
	delete(p.over, w.Doc)
	return w, true
}

// large reports whether w lacks enough changes to be streamed, or was in
// a group read over MaxReadBytes.
func (p *prefetch) large(w DocWant) bool {
	return p.over[w.Doc] || lacking(p.digest[w.Doc].VV, w.VV) >= streamFrom
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
	group := p.group()
	got, err := ml.MissingMany(ctx, p.space, group)
	if errors.Is(err, ErrReadOverBytes) && p.streams {
		if p.over == nil {
			p.over = make(map[string]bool, len(group))
		}
		for _, w := range group {
			p.over[w.Doc] = true // streamed, each in a read of its own
		}
	}
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
// lack maxManyChanges changes by the digests (at least one).
func (p *prefetch) group() []DocWant {
	limit := MaxManyDocs
	if p.reads == 0 {
		limit = manyDocsAtFirst
	}
	n, changes := 0, 0
	for n < len(p.send) && n < limit {
		if n > 0 && p.streams && p.large(p.send[n]) {
			break // streamed when its turn comes
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
