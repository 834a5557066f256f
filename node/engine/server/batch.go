package server

import "github.com/weftsync/weft/node/engine"

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
