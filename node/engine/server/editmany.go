package server

import (
	"fmt"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/node/engine"
)

// editMany serves engine.OpEditMany through crdt's EditMany: every edit in
// turn, one commit each. An edit that fails stops the call and drops the
// document, whose copy holds the commits of the edits before it.
func (s *server) editMany(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	if len(req.Edits) == 0 {
		return engine.Response{}, fmt.Errorf("%w: edit_many without edits", crdt.ErrInvalid)
	}
	chunks, err := d.EditMany(req.Edits, time.UnixMilli(req.Time))
	if err != nil {
		s.docs.drop(req.Doc)
		return engine.Response{}, err
	}
	s.docs.grow(req.Doc, chunks)
	return engine.Response{Changes: chunks}, nil
}
