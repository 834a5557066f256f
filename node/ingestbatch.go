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

// applyWork hands the engine what ingest stored and records the documents
// new to this node. The new documents go in one call (loading, round-trip
// check and view of each included); a document already held goes through
// applyIncoming, whose round-trip check runs on a budget (roundtrip.go). A
// new document the engine did not take, or every new document when the
// engine died during the call, goes through applyIncoming alone: loaded
// fresh from the store, replayed, and its culprit quarantined when it
// fails again, so that one document's changes never take the blame for
// another's.
func (n *Node) applyWork(ctx context.Context, tx *writeTx, works []*docWork) error {
	var fresh []*docWork
	for _, w := range works {
		if !w.isNew {
			if err := n.applyIncoming(ctx, tx, w.in, w.added, false); err != nil {
				return err
			}
			continue
		}
		fresh = append(fresh, w)
	}
	if len(fresh) == 0 {
		return nil
	}
	items := make([]engine.DocApply, len(fresh))
	for i, w := range fresh {
		tx.touched[w.in.doc] = true
		actor, err := n.readActor(tx.Tx, w.in.doc)
		if err != nil {
			return err
		}
		// Loaded and checked in full, as applyOnce loads a new document.
		items[i] = engine.DocApply{Doc: w.in.doc, Load: true, Actor: actor, Changes: rawChanges(w.added), Check: true, View: true}
	}
	res, err := n.eng.ApplyMany(ctx, items)
	if err != nil && !blameable(ctx, err) {
		return ingestErr(fresh[0].in.doc, err)
	}
	if err != nil {
		n.log.Warn("engine failed on a batch of incoming documents; replaying each alone", "docs", len(fresh), "err", err)
	}
	for i, w := range fresh {
		var r engine.DocResult
		if err == nil {
			r = res[i]
		}
		if err != nil || r.Error() != nil {
			if err == nil {
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
		if r.View == nil {
			return ingestErr(w.in.doc, errors.New("the engine gave no view of a new document"))
		}
		if err := n.putIncomingView(tx, w.in, w.added, *r.View); err != nil {
			return err
		}
	}
	return nil
}
