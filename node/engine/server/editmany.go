package server

import (
	"fmt"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/node/engine"
)

// editMany serves engine.OpEditMany: each edit in turn, as OpEdit would,
// one commit each. The first edit that fails stops the call and drops the
// document, whose copy holds the commits of the edits before it.
func (s *server) editMany(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	if len(req.Edits) == 0 {
		return engine.Response{}, fmt.Errorf("%w: edit_many without edits", crdt.ErrInvalid)
	}
	at := time.UnixMilli(req.Time)
	var out [][]byte
	for i, e := range req.Edits {
		chunks, err := d.Edit(e, at)
		if err != nil {
			s.docs.drop(req.Doc)
			return engine.Response{}, fmt.Errorf("edit %d of %d: %w", i+1, len(req.Edits), err)
		}
		s.docs.grow(req.Doc, chunks)
		out = append(out, chunks...)
	}
	return engine.Response{Changes: out}, nil
}
