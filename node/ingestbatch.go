package node

import (
	"context"
	"errors"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

var _ replicate.BatchLocal = syncLocal{}

// IngestFrames ingests sync frames that arrived together in one
// transaction (one commit, one engine call), the frames of one document
// taken as one frame whose changes are theirs in order, each document
// through Ingest's checks. What became of a document's changes is
// reported on the first of its frames. When the transaction fails (an
// engine failure on one document quarantines its culprit and rolls back
// the whole transaction), the frames are ingested again one transaction
// each, as Ingest does, so that the other documents' changes are kept and
// only the culprit's are refused.
func (l syncLocal) IngestFrames(ctx context.Context, frames []replicate.FrameIn) ([]replicate.Ingested, error) {
	if k := len(frames); k > 0 && frames[k-1].Open {
		l.n.deferred.hold(frames[k-1].Doc) // released by Settle (settle.go)
	}
	out := make([]replicate.Ingested, len(frames))
	sigs := sigCache{}
	for _, f := range frames {
		sigs.add(f.Prepared)
	}
	if docs, first, ok := mergeFrames(frames); ok && len(frames) > 1 {
		res, err := l.n.ingestFrames(ctx, docs, sigs)
		if err == nil || errors.Is(err, errStoredThenDropped) { // committed: not ingested again (decision 0043)
			for j, r := range res {
				out[first[j]] = ingested(r)
			}
			return out, err
		}
		if ctx.Err() != nil {
			return nil, err
		}
		l.n.log.Info("a batch of sync frames failed; ingesting them one by one", "frames", len(frames), "err", err)
	}
	for i, f := range frames {
		r, err := l.ingestFrame(ctx, f.Space, f.Doc, f.Type, f.Chunks, f.Atts, sigs, f.Parsed)
		if err != nil {
			return out[:i], err
		}
		out[i] = r
	}
	return out, nil
}

// mergeFrames makes one frame per document of frames, its changes and
// attestations those of the document's frames in arrival order (a
// causal order, as each frame's is and as they were sent), and returns
// the index of each document's first frame. ok is false when a document
// comes with two spaces or types: those frames are not merged.
func mergeFrames(frames []replicate.FrameIn) (docs []replicate.FrameIn, first []int, ok bool) {
	at := make(map[string]int, len(frames))
	for i, f := range frames {
		j, seen := at[f.Doc]
		if !seen {
			at[f.Doc] = len(docs)
			docs, first = append(docs, f), append(first, i)
			continue
		}
		d := &docs[j]
		if d.Space != f.Space || d.Type != f.Type {
			return nil, nil, false
		}
		d.Parsed = mergeParsed(d.Parsed, len(d.Chunks), f.Parsed, len(f.Chunks))
		d.Chunks = append(d.Chunks[:len(d.Chunks):len(d.Chunks)], f.Chunks...)
		d.Atts = append(d.Atts[:len(d.Atts):len(d.Atts)], f.Atts...)
	}
	return docs, first, true
}

func ingested(r IngestResult) replicate.Ingested {
	return replicate.Ingested{Stored: r.Stored, Duplicate: r.Duplicate, Held: r.Held, Refused: r.Refused}
}

// ingestFrames ingests frames of distinct documents in one transaction:
// the store's checks frame by frame, and the engine's work on the new
// documents in groups of pipeGroup, each group handed to the engine as
// soon as the store has taken it, so that the engine applies one group
// while the node stores the next (the documents are distinct: no group
// depends on another). Signatures verified ahead are in sigs.
func (n *Node) ingestFrames(ctx context.Context, frames []replicate.FrameIn, sigs sigCache) ([]IngestResult, error) {
	ins := make([]*incoming, len(frames))
	ctx = tailClaim(ctx) // may take the write lock over from a catch-up's tail (heldtail.go)
	err := n.ingestUpdate(ctx, func(tx *writeTx) error {
		ids := make([]string, len(frames))
		for i, f := range frames {
			ids[i] = f.Doc
		}
		rows, err := tx.DocsAmong(ids)
		if err != nil {
			return err
		}
		p := &enginePipe{n: n, ctx: ctx}
		defer p.wait() // no engine call outlives the transaction
		defer stopFeeds(ins)
		rosters := map[string]*member.Roster{}
		var held, fresh []*docWork
		for i, f := range frames {
			if _, ok := rosters[f.Space]; !ok {
				if _, err := tx.Space(f.Space); err != nil {
					return err
				}
			}
			in := &incoming{space: f.Space, doc: f.Doc, hint: model.DocType(f.Type), roster: rosters[f.Space], sigs: sigs, rowRead: true,
				feed: n.heldFeed(ctx), parsed: parsedOf(f.Parsed, len(f.Chunks))}
			if row, ok := rows[f.Doc]; ok {
				in.row = &row
			}
			ins[i] = in
			decoded := decodeAttestations(f.Atts, &in.res)
			w, err := n.ingestStore(ctx, tx, in, f.Chunks, decoded)
			if err != nil {
				return err
			}
			rosters[f.Space] = in.roster
			switch {
			case w == nil:
			case !w.isNew:
				held = append(held, w)
			default:
				if fresh = append(fresh, w); p.ready(len(fresh)) {
					if err := p.start(tx, fresh); err != nil {
						return err
					}
					fresh = nil
				}
			}
		}
		if err := p.start(tx, fresh); err != nil {
			return err
		}
		for _, w := range held {
			if err := n.applyHeld(ctx, tx, w); err != nil {
				return err
			}
		}
		return p.finish(tx)
	})
	out := make([]IngestResult, len(frames))
	for i, in := range ins {
		if in != nil {
			in.res.keptOnly(err)
			out[i] = in.res
		}
	}
	return out, err
}

// pipeGroup is how many new documents ingestFrames hands the engine at
// once while it is busy, and pipeFirst how many are enough when it is
// not (variables for tests).
var pipeGroup, pipeFirst = 32, 4

// applyWork hands the engine what ingest stored and records the documents
// new to this node. The new documents go in one call (loading and root of
// each included; the round-trip check of a large one too, of a small one
// after the commit: decision 0049); a document already held goes through
// applyIncoming, whose round-trip check runs on a budget (roundtrip.go).
// Blame is per document (enginePipe.finish).
func (n *Node) applyWork(ctx context.Context, tx *writeTx, works []*docWork) error {
	var fresh []*docWork
	for _, w := range works {
		if !w.isNew {
			if err := n.applyHeld(ctx, tx, w); err != nil {
				return err
			}
			continue
		}
		fresh = append(fresh, w)
	}
	p := &enginePipe{n: n, ctx: ctx}
	defer p.wait()
	if err := p.start(tx, fresh); err != nil {
		return err
	}
	return p.finish(tx)
}

// enginePipe runs the engine's apply_many calls for groups of new
// documents on a goroutine of their own while the transaction goes on,
// and takes their outcomes, in order, in the transaction. Its owner calls
// wait before the transaction ends, whatever happens.
type enginePipe struct {
	n     *Node
	ctx   context.Context
	calls []*manyCall
	done  int // calls[:done] are known to have returned
}

// ready reports whether n new documents stored are to go to the engine
// now: pipeGroup of them, or pipeFirst when the engine has at most one
// call to work on (none queued behind it), so that it starts on the first
// documents of a batch without waiting for a whole group and is never
// left idle between groups, while a busy engine gets fewer, larger calls.
func (p *enginePipe) ready(n int) bool {
	if n >= pipeGroup {
		return true
	}
	if n < min(pipeFirst, pipeGroup) {
		return false
	}
	for p.done < len(p.calls) && p.calls[p.done].returned() {
		p.done++
	}
	return len(p.calls)-p.done <= 1
}

// clean reports whether the call, returned, gave a root for every one of
// its documents.
func (c *manyCall) clean() bool {
	if c.err != nil || len(c.res) != len(c.works) {
		return false
	}
	for _, r := range c.res {
		if r.Error() != nil || r.Root == nil {
			return false
		}
	}
	return true
}

// returned reports whether the call has returned.
func (c *manyCall) returned() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// manyCall is one apply_many call for a group of new documents.
type manyCall struct {
	works []*docWork
	// deferred is set for the works loaded without their round trip, to
	// be checked after the commit (decision 0049, unchecked.go).
	deferred []bool
	res      []engine.DocResult
	err      error
	done     chan struct{}
}

// start hands the engine the group works (none: nothing) and returns at
// once. The engine serialises its calls: groups are applied in order.
func (p *enginePipe) start(tx *writeTx, works []*docWork) error {
	if len(works) == 0 {
		return nil
	}
	actors, err := p.n.readActors(tx.Tx, works)
	if err != nil {
		return err
	}
	items := make([]engine.DocApply, len(works))
	deferred := make([]bool, len(works))
	for i, w := range works {
		tx.touched[w.in.doc] = true // dropped from the engine if the transaction fails
		actor := actors[i]
		// Loaded in full, as applyOnce loads a new document; of its
		// content, only what its record takes (its root). Its round trip
		// now for a large one, after the commit for a small one (decision
		// 0049).
		deferred[i] = defersCheck(w)
		items[i] = engine.DocApply{Doc: w.in.doc, Load: true, Actor: actor, Changes: rawChanges(w.added), Check: !deferred[i], Root: true}
	}
	c := &manyCall{works: works, deferred: deferred, done: make(chan struct{})}
	p.calls = append(p.calls, c)
	go func() { // owned by p: wait and finish wait for it
		defer close(c.done)
		c.res, c.err = p.n.eng.ApplyMany(p.ctx, items)
	}()
	return nil
}

// readActors is readActor for each document of works, with one read of
// their leases.
func (n *Node) readActors(tx *store.Tx, works []*docWork) ([][]byte, error) {
	ids := make([]string, len(works))
	for i, w := range works {
		ids[i] = w.in.doc
	}
	leased, err := tx.LeasesAmong(ids)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(works))
	for i, id := range ids {
		if out[i] = leased[id]; out[i] == nil {
			out[i] = seal.NewActor(n.id.Public)
		}
	}
	return out, nil
}

// wait waits for every call started.
func (p *enginePipe) wait() {
	for _, c := range p.calls {
		<-c.done
	}
}

// rootView is the part of a view that putIncomingView reads to record a
// new document (its type and space, and a calendar's name for its
// metadata), made from what the engine read of the document's root.
func rootView(r model.Root) model.View {
	v := model.View{Type: r.Type, Space: r.Space, Schema: r.Schema}
	if r.Type == model.Calendar {
		v.Calendar = &model.CalendarView{Name: r.Name}
	}
	return v
}

// finish waits for the calls and takes their outcomes in the transaction:
// a new document the engine took is recorded with the root it gave; a new
// document the engine did not take, or every document of a call during
// which the engine died, goes through applyIncoming alone: loaded fresh
// from the store, replayed, and its culprit quarantined when it fails
// again, so that one document's changes never take the blame for
// another's. The documents of the calls that come back clean, up to the
// first that does not, are recorded as each call returns, while the
// engine works on the next; everything else waits until every call has
// returned (no replay runs while a group is in the engine), and happens in
// the same order as if all had been waited for first.
func (p *enginePipe) finish(tx *writeTx) error {
	n, ctx := p.n, p.ctx
	from := 0
	for ; from < len(p.calls); from++ {
		c := p.calls[from]
		<-c.done
		if !c.clean() {
			break
		}
		for i, w := range c.works {
			if err := n.putIncomingView(tx, w.in, w.added, rootView(*c.res[i].Root)); err != nil {
				return err
			}
		}
		if err := n.noteUnchecked(tx, c.deferredWorks(len(c.works))); err != nil {
			return err
		}
	}
	p.wait()
	for _, c := range p.calls[from:] {
		if c.err != nil && !blameable(ctx, c.err) {
			return ingestErr(c.works[0].in.doc, c.err)
		}
		if c.err == nil && len(c.res) != len(c.works) {
			return ingestErr(c.works[0].in.doc, errors.New("the engine answered a batch with the wrong number of outcomes"))
		}
		if c.err != nil {
			n.log.Warn("engine failed on a batch of incoming documents; replaying each alone", "docs", len(c.works), "err", c.err)
		}
		for i, w := range c.works {
			var r engine.DocResult
			if c.err == nil {
				r = c.res[i]
			}
			if c.err != nil || r.Error() != nil {
				if c.err == nil {
					n.log.Warn("engine refused an incoming document; replaying it alone", "doc", w.in.doc, "err", r.Error())
				}
				if err := n.applyIncoming(ctx, tx, w.in, w.added, true); err != nil {
					return err
				}
				if err := n.putIncomingDoc(ctx, tx, w.in, w.added); err != nil {
					return err
				}
				continue
			}
			if r.Root == nil {
				return ingestErr(w.in.doc, errors.New("the engine gave no root of a new document"))
			}
			if err := n.putIncomingView(tx, w.in, w.added, rootView(*r.Root)); err != nil {
				return err
			}
			if c.deferred[i] {
				if err := n.noteUnchecked(tx, []*docWork{w}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// deferredWorks is the first k works of c that the engine loaded without
// their round trip.
func (c *manyCall) deferredWorks(k int) []*docWork {
	var out []*docWork
	for i, w := range c.works[:k] {
		if c.deferred[i] {
			out = append(out, w)
		}
	}
	return out
}
