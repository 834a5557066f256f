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

// IngestFrames ingests sync frames that arrived together: runs of frames
// of distinct documents in one transaction each (one commit, one engine
// call), each frame through Ingest's checks. When such a transaction
// fails (an engine failure on one document quarantines its culprit and
// rolls back the whole transaction), its frames are ingested again one
// transaction each, as Ingest does, so that the other documents' changes
// are kept and only the culprit's are refused.
func (l syncLocal) IngestFrames(ctx context.Context, frames []replicate.FrameIn) ([]replicate.Ingested, error) {
	out := make([]replicate.Ingested, 0, len(frames))
	for len(frames) > 0 {
		run := distinctRun(frames)
		if run > 1 {
			res, err := l.n.ingestFrames(ctx, frames[:run])
			if err == nil {
				for _, r := range res {
					out = append(out, ingested(r))
				}
				frames = frames[run:]
				continue
			}
			if ctx.Err() != nil {
				return out, err
			}
			l.n.log.Info("a batch of sync frames failed; ingesting them one by one", "frames", run, "err", err)
		}
		for _, f := range frames[:run] {
			r, err := l.Ingest(ctx, f.Space, f.Doc, f.Type, f.Chunks, f.Atts)
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
		frames = frames[run:]
	}
	return out, nil
}

// distinctRun is how many frames from the first are of distinct
// documents: a batch takes each document once.
func distinctRun(frames []replicate.FrameIn) int {
	seen := make(map[string]bool, len(frames))
	for i, f := range frames {
		if seen[f.Doc] {
			return i
		}
		seen[f.Doc] = true
	}
	return len(frames)
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
