package server

import (
	"errors"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/node/engine"
)

// applyMany serves engine.OpApplyMany: each document in turn, as a load
// (Load set), an apply and a view would, one outcome each. A document that
// fails does not stop the others.
func (s *server) applyMany(req engine.Request) (engine.Response, error) {
	out := make([]engine.DocResult, len(req.Batch))
	for i, d := range req.Batch {
		out[i] = s.applyOne(d)
	}
	return engine.Response{Batch: out}, nil
}

// applyOne serves one document of an OpApplyMany call through the same
// handlers as OpLoad, OpApply and OpView.
func (s *server) applyOne(d engine.DocApply) engine.DocResult {
	fail := func(err error) engine.DocResult {
		s.docs.drop(d.Doc)
		return engine.DocResult{Code: errorCode(err), Err: err.Error()}
	}
	if d.Load && d.Root && !d.View {
		return s.loadNew(d)
	}
	if d.Check && !d.Load && !d.View && !d.Root && len(d.Changes) == 0 && s.docs.size(d.Doc) < reclaimAbove {
		return s.checkHeld(d)
	}
	var res engine.DocResult
	if d.Load {
		resp, err := s.load(engine.Request{Op: engine.OpLoad, Doc: d.Doc, Changes: d.Changes, Actor: d.Actor})
		if err != nil {
			return fail(err)
		}
		res.Heads = resp.Heads
	}
	if !d.Load || d.Check {
		var changes [][]byte
		if !d.Load {
			changes = d.Changes
		}
		resp, err := s.apply(engine.Request{Op: engine.OpApply, Doc: d.Doc, Changes: changes, Check: d.Check})
		if err != nil {
			return fail(err)
		}
		res.Heads = resp.Heads
	}
	if d.View {
		resp, err := s.view(engine.Request{Op: engine.OpView, Doc: d.Doc})
		if err != nil {
			return fail(err)
		}
		res.View = resp.View
	}
	return res
}

// loadNew serves a document new to the node (Load and Root): it loads it
// from its changes, reading its root once for both the load and the
// answer, checks the round trip as OpApply's Check does when Check is set
// (the document is held only when it passes), and answers with its heads
// and root, all in crdt.LoadNew (decision 0034), and sizes it in the
// cache by the operations automerge counted while loading it (decision
// 0044). Without Check (decision 0049: the node checks the document after
// its commit), the document is held unvetted: it is not parked until a
// check passes (decision 0041).
func (s *server) loadNew(d engine.DocApply) engine.DocResult {
	s.docs.drop(d.Doc)
	load := crdt.LoadNewCounted
	if !d.Check {
		load = crdt.LoadRootCounted
	}
	doc, root, heads, ops, err := load(d.Changes, d.Actor)
	if d.Check && (err == nil || errors.Is(err, crdt.ErrRoundTrip)) {
		s.roundTrips++ // loaded, then saved and loaded back
	}
	if err != nil {
		return engine.DocResult{Code: errorCode(err), Err: err.Error()}
	}
	if ops >= 0 { // sized by automerge's count, as estimate would by parsing (decision 0044)
		s.docs.putSized(d.Doc, doc, max(int64(len(d.Changes))*bytesPerChange, ops*bytesPerOp))
	} else {
		s.docs.put(d.Doc, doc, d.Changes)
	}
	s.docs.vet(d.Doc, d.Check) // LoadNew checked the round trip (decision 0041); LoadRootCounted did not
	return engine.DocResult{Heads: heads, Root: &root}
}

// checkHeld serves a round-trip check, and nothing else, of a document
// the engine holds that is smaller than reclaimAbove: the node's check
// after the commit of a new document loaded unchecked (decision 0049).
// It is LoadNew's check on the copy held (crdt.CheckRoundTrip: the saved
// form of this very document loaded by automerge must give its heads), in
// one call into the core, the loaded copy freed before it returns, and
// the held copy kept: the reload a larger document's check makes
// (OpCheck's CheckReload, to hold one copy at a time) would leave a copy
// per document to Go's finalizers. A document that fails is dropped, to
// be reloaded from the store.
func (s *server) checkHeld(d engine.DocApply) engine.DocResult {
	doc, ok := s.docs.get(d.Doc)
	if !ok {
		return engine.DocResult{Code: errorCode(errNotLoaded), Err: errNotLoaded.Error()}
	}
	s.roundTrips++
	if err := doc.CheckRoundTrip(); err != nil {
		s.docs.drop(d.Doc)
		return engine.DocResult{Code: errorCode(err), Err: err.Error()}
	}
	s.docs.vet(d.Doc, true)
	return engine.DocResult{Heads: doc.Heads()}
}
