package node

import (
	"context"
	"errors"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
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
	out := make([]replicate.Ingested, len(frames))
	if docs, first, ok := mergeFrames(frames); ok && len(frames) > 1 {
		res, err := l.n.ingestFrames(ctx, docs)
		if err == nil {
			for j, r := range res {
				out[first[j]] = ingested(r)
			}
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		l.n.log.Info("a batch of sync frames failed; ingesting them one by one", "frames", len(frames), "err", err)
	}
	for i, f := range frames {
		r, err := l.Ingest(ctx, f.Space, f.Doc, f.Type, f.Chunks, f.Atts)
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
		d.Chunks = append(d.Chunks[:len(d.Chunks):len(d.Chunks)], f.Chunks...)
		d.Atts = append(d.Atts[:len(d.Atts):len(d.Atts)], f.Atts...)
	}
	return docs, first, true
}

func ingested(r IngestResult) replicate.Ingested {
	return replicate.Ingested{Stored: r.Stored, Duplicate: r.Duplicate, Held: r.Held, Refused: r.Refused}
}

// ingestFrames ingests frames of distinct documents in one transaction:
// the store's checks frame by frame, then one engine call for every
// document that gained changes.
func (n *Node) ingestFrames(ctx context.Context, frames []replicate.FrameIn) ([]IngestResult, error) {
	ins := make([]*incoming, len(frames))
	err := n.ingestUpdate(ctx, func(tx *writeTx) error {
		rosters := map[string]*member.Roster{}
		var works []*docWork
		for i, f := range frames {
			if _, ok := rosters[f.Space]; !ok {
				if _, err := tx.Space(f.Space); err != nil {
					return err
				}
			}
			in := &incoming{space: f.Space, doc: f.Doc, hint: model.DocType(f.Type), roster: rosters[f.Space]}
			ins[i] = in
			decoded := decodeAttestations(f.Atts, &in.res)
			w, err := n.ingestStore(tx, in, f.Chunks, decoded)
			if err != nil {
				return err
			}
			rosters[f.Space] = in.roster
			if w != nil {
				works = append(works, w)
			}
		}
		return n.applyWork(ctx, tx, works)
	})
	out := make([]IngestResult, len(frames))
	for i, in := range ins {
		if in != nil {
			out[i] = in.res
		}
	}
	return out, err
}

// applyWork hands the engine what ingest stored, every document in one
// call (loading, round-trip check and view of a new document included),
// and records the documents new to this node. A document the engine did
// not take, or every document when the engine died during the call, goes
// through applyIncoming alone: loaded fresh from the store, replayed, and
// its culprit quarantined when it fails again, so that one document's
// changes never take the blame for another's.
func (n *Node) applyWork(ctx context.Context, tx *writeTx, works []*docWork) error {
	if len(works) == 0 {
		return nil
	}
	items := make([]engine.DocApply, len(works))
	for i, w := range works {
		tx.touched[w.in.doc] = true
		// The same round-trip check applyOnce asks of Apply.
		items[i] = engine.DocApply{Doc: w.in.doc, Changes: rawChanges(w.added), Check: true}
		if w.isNew {
			actor, err := n.readActor(tx.Tx, w.in.doc)
			if err != nil {
				return err
			}
			items[i].Load, items[i].Actor, items[i].View = true, actor, true
		}
	}
	res, err := n.eng.ApplyMany(ctx, items)
	if err != nil && !blameable(ctx, err) {
		return ingestErr(works[0].in.doc, err)
	}
	if err != nil {
		n.log.Warn("engine failed on a batch of incoming changes; replaying each document alone", "docs", len(works), "err", err)
	}
	for i, w := range works {
		var r engine.DocResult
		if err == nil {
			r = res[i]
		}
		if err != nil || r.Error() != nil {
			if err == nil && !errors.Is(r.Error(), engine.ErrNotLoaded) {
				n.log.Warn("engine refused incoming changes; replaying them alone", "doc", w.in.doc, "err", r.Error())
			}
			if err := n.applyIncoming(ctx, tx, w.in, w.added, true); err != nil {
				return err
			}
			if w.isNew {
				if err := n.putIncomingDoc(ctx, tx, w.in, w.added); err != nil {
					return err
				}
			}
			continue
		}
		if w.isNew {
			if r.View == nil {
				return ingestErr(w.in.doc, errors.New("the engine gave no view of a new document"))
			}
			if err := n.putIncomingView(tx, w.in, w.added, *r.View); err != nil {
				return err
			}
		}
	}
	return nil
}
