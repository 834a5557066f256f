package replicate

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"
)

// After a complete answer the two sides tell each other what they now
// hold, so each can say truthfully what the other has (DESIGN.md section
// 7, "Status must be truthful"). Both messages have the request's shape
// and limits and are deltas, so a pull in step adds a few bytes:
//
//   - the opener's acknowledgement: per asked space, its membership-log
//     heads now and the documents whose vector is not the one its request
//     gave (what it holds after ingesting the answer);
//   - the responder's state, sent only once an acknowledgement arrived:
//     per served space, its heads and the documents whose vector is not
//     the one the opener acknowledged (an empty vector: it holds none).
//
// Both are optional: an older opener closes after the end frame, an older
// responder after writing it, and each side then knows only what it knew.

// PeerState is what an exchange showed a peer holds: per space, its
// membership-log heads and every document's version vector (a document
// it holds none of is absent or has an empty vector).
type PeerState struct {
	Peer   peer.ID
	Spaces []SpaceState
	// Acknowledged: the state is the peer's own account after the
	// exchange; otherwise it is what its request said before our answer.
	Acknowledged bool
	// Ahead: the peer acknowledged changes we do not hold (worth a pull
	// back).
	Ahead bool
}

// acknowledge sends the opener's acknowledgement for req and reads the
// responder's state. It returns that state per asked space it served and
// the asked spaces it did not serve, or nil for both when the responder
// sent no state.
func (o *opener) acknowledge(ctx context.Context, req *Request) (remote []SpaceState, unserved []string, err error) {
	var now []SpaceState
	for _, sp := range req.Spaces {
		if o.t.spaces[sp.Space].Ops == 0 && len(o.t.docs[sp.Space]) == 0 {
			now = append(now, sp) // nothing arrived: what the request said still holds
			continue
		}
		st, err := o.s.spaceState(ctx, sp.Space)
		if err != nil {
			return nil, nil, err
		}
		now = append(now, st)
	}
	ack := &Request{Version: Version, Spaces: deltas(req.Spaces, now)}
	b, err := EncodeRequest(ack)
	if err != nil {
		return nil, nil, err
	}
	if err := o.c.write(b); err != nil {
		return nil, nil, nil // an older responder: it closed after the end frame
	}
	theirs, err := o.readState()
	if err != nil || theirs == nil {
		return nil, nil, err
	}
	ours := applyAll(req.Spaces, ack.Spaces)
	for _, d := range theirs.Spaces {
		if base, ok := find(ours, d.Space); ok {
			remote = append(remote, apply(base, d))
		}
	}
	for _, sp := range req.Spaces {
		if _, ok := find(theirs.Spaces, sp.Space); !ok {
			unserved = append(unserved, sp.Space)
		}
	}
	return remote, unserved, nil
}

// readState reads the responder's state; an end of stream means an older
// responder and is no error.
func (o *opener) readState() (*Request, error) {
	body, err := o.c.readBody(MaxFrame)
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return DecodeRequest(body)
}

// acknowledged reads the opener's acknowledgement and answers with our
// state. It returns the opener's state over the served spaces: what it
// acknowledged, or, from an older opener that sent none, its request.
func (r *responder) acknowledged(ctx context.Context, req *Request) (PeerState, error) {
	asked := served(req.Spaces, r.served)
	st := PeerState{Spaces: asked}
	body, err := r.c.readBody(MaxFrame)
	if errors.Is(err, io.EOF) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	ack, err := DecodeRequest(body)
	if err != nil {
		return st, err
	}
	st.Spaces, st.Acknowledged = served(applyAll(req.Spaces, ack.Spaces), r.served), true
	st.Ahead, err = r.sendState(ctx, st.Spaces)
	return st, err
}

// sendState writes, per served space, our heads and the documents whose
// vector differs from theirs, and reports whether theirs holds changes
// ours lacks. A delta over the request limits is not sent: the opener
// then learns nothing rather than something false.
func (r *responder) sendState(ctx context.Context, theirs []SpaceState) (ahead bool, err error) {
	var ours []SpaceState
	for _, t := range theirs {
		st, err := r.s.spaceState(ctx, t.Space)
		if err != nil {
			return false, err
		}
		ahead = ahead || holdsMore(t, st)
		ours = append(ours, st)
	}
	msg := &Request{Version: Version, Spaces: deltas(theirs, ours)}
	if msg.check() != nil {
		return ahead, nil
	}
	return ahead, r.s.writeFrameBytes(r.c, msg)
}

// holdsMore reports whether a holds a change b lacks.
func holdsMore(a, b SpaceState) bool {
	bs := docIndex(b.Docs)
	for _, d := range a.Docs {
		if ahead(vvMap(d.VV), vvMap(bs[d.Doc].VV)) {
			return true
		}
	}
	return false
}

// writeFrameBytes encodes and writes one request-shaped message.
func (s *Syncer) writeFrameBytes(c *conn, m *Request) error {
	b, err := EncodeRequest(m)
	if err != nil {
		return err
	}
	return c.write(b)
}

// served keeps the spaces named in keep.
func served(spaces []SpaceState, keep map[string]bool) []SpaceState {
	var out []SpaceState
	for _, s := range spaces {
		if keep[s.Space] {
			out = append(out, s)
		}
	}
	return out
}

// deltas returns, for each space of now, its heads and the documents
// whose vector differs from the one base gives (documents base has and
// now lacks get an empty vector).
func deltas(base, now []SpaceState) []SpaceState {
	var out []SpaceState
	for _, n := range now {
		b, _ := find(base, n.Space)
		out = append(out, delta(b, n))
	}
	return out
}

// delta is one space's part of deltas.
func delta(base, now SpaceState) SpaceState {
	d := SpaceState{Space: now.Space, Heads: now.Heads}
	had := docIndex(base.Docs)
	for _, doc := range now.Docs {
		if old, ok := had[doc.Doc]; !ok || !sameVV(old.VV, doc.VV) {
			d.Docs = append(d.Docs, doc)
		}
	}
	has := docIndex(now.Docs)
	for _, doc := range base.Docs {
		if _, ok := has[doc.Doc]; !ok && len(doc.VV) > 0 {
			d.Docs = append(d.Docs, DocState{Doc: doc.Doc, Type: doc.Type})
		}
	}
	sortDocs(d.Docs)
	return d
}

// applyAll applies each space's delta to its base; a space with no delta
// is kept as it was, a delta with no base is taken whole.
func applyAll(base, deltas []SpaceState) []SpaceState {
	var out []SpaceState
	for _, b := range base {
		if d, ok := find(deltas, b.Space); ok {
			b = apply(b, d)
		}
		out = append(out, b)
	}
	return out
}

// apply returns base with d's heads and d's documents in place of base's.
func apply(base, d SpaceState) SpaceState {
	out := SpaceState{Space: base.Space, Heads: d.Heads}
	docs := docIndex(base.Docs)
	for _, doc := range d.Docs {
		docs[doc.Doc] = doc
	}
	for _, doc := range docs {
		out.Docs = append(out.Docs, doc)
	}
	sortDocs(out.Docs)
	return out
}

func find(spaces []SpaceState, id string) (SpaceState, bool) {
	for _, s := range spaces {
		if s.Space == id {
			return s, true
		}
	}
	return SpaceState{Space: id}, false
}

func docIndex(docs []DocState) map[string]DocState {
	m := make(map[string]DocState, len(docs))
	for _, d := range docs {
		m[d.Doc] = d
	}
	return m
}

func sameVV(a, b []Clock) bool {
	return slices.EqualFunc(a, b, func(x, y Clock) bool { return x.Seq == y.Seq && string(x.Actor) == string(y.Actor) })
}

func sortDocs(docs []DocState) {
	sort.Slice(docs, func(i, j int) bool { return strings.Compare(docs[i].Doc, docs[j].Doc) < 0 })
}
