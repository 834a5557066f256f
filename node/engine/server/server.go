package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// server owns the open documents of one engine process. It runs on one
// goroutine: every document has exactly one owner, as automerge-go needs.
type server struct {
	docs          *cache
	snapshotLoads int // loads made from a snapshot, for Stats
	roundTrips    int // documents saved and loaded back (checks and checked saves), for Stats
	reloads       int // round trips that freed the live copy before loading it back

	afterRelease func() // for tests: called once a round trip freed the live copy
	trace        *memTrace
}

func newServer(budget int64) *server {
	crdt.Enable()
	return &server{docs: newCache(budget), trace: openTrace(os.Getenv(TraceEnv))}
}

// warmUp exercises the paths a session uses, so that the address space
// measured afterwards includes what the runtime and the core reserve.
func (s *server) warmUp() error {
	actor := make([]byte, 16)
	actor[0] = 1
	at := time.Unix(0, 0)
	d, chunks, err := crdt.Create(model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, actor, at, "warm up")
	if err != nil {
		return err
	}
	if _, err := d.View(); err != nil {
		return err
	}
	if _, err = crdt.Load(chunks, actor); err != nil {
		return err
	}
	// Best effort: an engine that keeps the binary's pages only costs
	// memory. From here on, a page of the binary it uses is read alone
	// (decision 0057).
	_, _ = engine.ShrinkBinaryPages()
	return nil
}

func (s *server) serve(in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 1<<16)
	w := bufio.NewWriterSize(out, 1<<16)
	for {
		var req engine.Request
		err := engine.ReadFrame(r, &req)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := engine.WriteFrame(w, s.handle(req)); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if r.Buffered() == 0 { // nothing waits: park idle documents now
			s.docs.parkRound()
		}
	}
}

// reclaimAbove is the estimated size of a document from which a call that
// saves and loads it (a round trip), loads it anew or drops it is followed
// by a Go collection and a malloc trim: the core's memory of the copies
// such a call leaves behind is freed only by finalizers, which run at a
// Go collection, and the engine's small Go heap seldom triggers one, so
// without this the dead copies of a large document pile up.
var reclaimAbove int64 = 8 << 20 // a variable for tests

func (s *server) handle(req engine.Request) engine.Response {
	size := s.docs.size(req.Doc)
	began := time.Now()
	resp, err := s.dispatch(req)
	if leavesCopies(req) && max(size, s.docs.size(req.Doc)) >= reclaimAbove {
		reclaim()
	}
	s.trace.record(s, req, time.Since(began))
	if err != nil {
		return engine.Response{Code: errorCode(err), Err: err.Error()}
	}
	return resp
}

// leavesCopies reports whether req may leave a whole copy of its
// document to the finalizers: a round trip, a load over a loaded copy, a
// drop.
func leavesCopies(req engine.Request) bool {
	switch req.Op {
	case engine.OpCheck, engine.OpSave, engine.OpLoad, engine.OpDrop:
		return true
	case engine.OpApply:
		return req.Check
	}
	return false
}

func (s *server) dispatch(req engine.Request) (engine.Response, error) {
	switch req.Op {
	case engine.OpPing:
		return engine.Response{}, nil
	case engine.OpCreate:
		return s.create(req)
	case engine.OpLoad:
		return s.load(req)
	case engine.OpEdit:
		return s.edit(req)
	case engine.OpView:
		return s.view(req)
	case engine.OpApply:
		return s.apply(req)
	case engine.OpSave:
		return s.save(req)
	case engine.OpCheck:
		return s.check(req)
	case engine.OpApplyMany:
		return s.applyMany(req)
	case engine.OpEditMany:
		return s.editMany(req)
	case engine.OpDrop:
		s.docs.drop(req.Doc)
		return engine.Response{}, nil
	case engine.OpStats:
		return engine.Response{RSS: residentBytes(), Docs: s.docs.len(), SnapshotLoads: s.snapshotLoads, RoundTrips: s.roundTrips}, nil
	}
	return engine.Response{}, fmt.Errorf("unknown operation %q", req.Op)
}

func (s *server) create(req engine.Request) (engine.Response, error) {
	if req.Create == nil {
		return engine.Response{}, fmt.Errorf("%w: create without content", crdt.ErrInvalid)
	}
	d, chunks, err := crdt.Create(*req.Create, req.Actor, time.UnixMilli(req.Time), "create "+string(req.Create.Type))
	if err != nil {
		return engine.Response{}, err
	}
	s.docs.put(req.Doc, d, chunks)
	s.docs.vet(req.Doc, true) // made here
	return engine.Response{Changes: chunks}, nil
}

func (s *server) load(req engine.Request) (engine.Response, error) {
	s.docs.drop(req.Doc)
	if len(req.Snapshot) > 0 || len(req.Covers) > 0 {
		return s.loadSnapshot(req)
	}
	d, err := crdt.Load(req.Changes, req.Actor)
	if err != nil {
		return engine.Response{}, err
	}
	s.docs.put(req.Doc, d, req.Changes)
	return engine.Response{Heads: d.Heads()}, nil
}

// loadSnapshot opens a document from a snapshot and the changes it does not
// cover. The cache counts the covered changes by number only: their ops are
// not in the request.
func (s *server) loadSnapshot(req engine.Request) (engine.Response, error) {
	d, err := crdt.LoadSnapshot(req.Snapshot, req.Covers, req.Changes, req.Actor)
	if err != nil {
		return engine.Response{}, err
	}
	s.snapshotLoads++
	s.docs.put(req.Doc, d, append(make([][]byte, len(req.Covers)), req.Changes...))
	s.docs.vet(req.Doc, len(req.Changes) == 0) // a snapshot passed a round trip when it was made
	return engine.Response{Heads: d.Heads()}, nil
}

// save answers with the document's checked saved form and what it covers.
func (s *server) save(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	s.roundTrips++
	data, covers, err := d.SnapshotReload(s.releaser(req.Doc))
	if err != nil {
		s.docs.drop(req.Doc)
		return engine.Response{}, err
	}
	s.docs.vet(req.Doc, true)
	return engine.Response{Snapshot: data, Covers: covers}, nil
}

func (s *server) edit(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	if req.Edit == nil {
		return engine.Response{}, fmt.Errorf("%w: edit without content", crdt.ErrInvalid)
	}
	chunks, err := d.Edit(*req.Edit, time.UnixMilli(req.Time))
	if errors.Is(err, crdt.ErrPoisoned) {
		s.docs.drop(req.Doc)
	}
	if err != nil {
		return engine.Response{}, err
	}
	s.docs.grow(req.Doc, chunks)
	return engine.Response{Changes: chunks}, nil
}

func (s *server) view(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	view := d.View
	if req.RootOnly {
		view = d.RootView
	}
	v, err := view()
	if err != nil {
		return engine.Response{}, err
	}
	return engine.Response{View: &v}, nil
}

func (s *server) apply(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	heads, ops, err := d.ApplyCounted(req.Changes)
	if err != nil {
		s.docs.drop(req.Doc) // the core has no rollback: reload from the store
		return engine.Response{}, err
	}
	s.docs.growCounted(req.Doc, req.Changes, ops) // engineapply.go
	s.docs.vet(req.Doc, false)
	if !req.Check {
		return engine.Response{Heads: heads}, nil
	}
	if req.CheckUpTo > 0 && s.docs.size(req.Doc) > req.CheckUpTo {
		return engine.Response{Heads: heads, Unchecked: true}, nil
	}
	s.roundTrips++
	if err := d.CheckReload(s.releaser(req.Doc)); err != nil {
		s.docs.drop(req.Doc)
		return engine.Response{}, err
	}
	s.docs.vet(req.Doc, true)
	return engine.Response{Heads: heads}, nil
}

// check runs the round trip on a loaded document, answering with the
// saved form that passed when asked to keep it; one that fails is
// dropped, to be reloaded from the store.
func (s *server) check(req engine.Request) (engine.Response, error) {
	d, ok := s.docs.get(req.Doc)
	if !ok {
		return engine.Response{}, errNotLoaded
	}
	s.roundTrips++
	if req.Keep {
		data, covers, err := d.SnapshotReload(s.releaser(req.Doc)) // the same save and load, with what it covers
		if err != nil {
			s.docs.drop(req.Doc)
			return engine.Response{}, err
		}
		s.docs.vet(req.Doc, true)
		return engine.Response{Heads: d.Heads(), Snapshot: data, Covers: covers}, nil
	}
	if err := d.CheckReload(s.releaser(req.Doc)); err != nil {
		s.docs.drop(req.Doc)
		return engine.Response{}, err
	}
	s.docs.vet(req.Doc, true)
	return engine.Response{Heads: d.Heads()}, nil
}

// releaser returns what a round trip of doc calls between saving the
// document and loading it back, once it let go of the live copy: for a
// document of reclaimAbove or more, reclaim, so that the engine never
// holds two copies of it, then drop the binary's read-only pages, which
// a session brings back (about 25 MiB by then) and which would count in
// the peak the load makes: the load uses few of them (decision 0041).
// Nothing for a smaller document, whose copies the next collection frees
// soon enough.
func (s *server) releaser(doc string) func() {
	if s.docs.size(doc) < reclaimAbove {
		return nil
	}
	return func() {
		s.reloads++
		reclaim()
		_, _ = engine.DropBinaryPages() // best effort, as at warm-up
		if s.afterRelease != nil {
			s.afterRelease()
		}
	}
}

var errNotLoaded = errors.New("document not loaded")

func errorCode(err error) string {
	switch {
	case errors.Is(err, errNotLoaded):
		return engine.CodeNotLoaded
	case errors.Is(err, crdt.ErrPoisoned):
		return engine.CodePoisoned
	case errors.Is(err, crdt.ErrInvalid):
		return engine.CodeInvalid
	}
	return engine.CodeFailed
}
