package engine

import (
	"context"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// Create makes a new document in the engine with the given actor and returns
// the raw change chunks of its first commit.
func (e *Engine) Create(ctx context.Context, doc string, c model.Create, actor []byte, at time.Time) ([][]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpCreate, Doc: doc, Create: &c, Actor: actor, Time: at.UnixMilli()})
	return resp.Changes, err
}

// Load hands the engine a document's whole stored history and the actor to
// edit it under. It returns the document's heads.
func (e *Engine) Load(ctx context.Context, doc string, changes [][]byte, actor []byte) ([][32]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpLoad, Doc: doc, Changes: changes, Actor: actor})
	return resp.Heads, err
}

// LoadFrom hands the engine a document as a snapshot (a saved form from
// Save), the hashes of the changes it covers, and the stored changes it does
// not cover (dependencies first), with the actor to edit it under. It
// returns the document's heads. It fails, and the engine holds no copy of
// doc, when the snapshot does not load or lacks a covered change: the
// caller then loads from the changes alone.
func (e *Engine) LoadFrom(ctx context.Context, doc string, snapshot []byte, covers [][32]byte, changes [][]byte, actor []byte) ([][32]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpLoad, Doc: doc, Snapshot: snapshot, Covers: covers, Changes: changes, Actor: actor})
	return resp.Heads, err
}

// Save returns a loaded document's saved form, only once it has loaded back
// in the engine with the same heads, and the hashes of every change it
// holds.
func (e *Engine) Save(ctx context.Context, doc string) (snapshot []byte, covers [][32]byte, err error) {
	resp, err := e.Call(ctx, Request{Op: OpSave, Doc: doc})
	return resp.Snapshot, resp.Covers, err
}

// Edit applies one typed edit and returns the raw change chunks it committed.
func (e *Engine) Edit(ctx context.Context, doc string, edit model.Edit, at time.Time) ([][]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpEdit, Doc: doc, Edit: &edit, Time: at.UnixMilli()})
	return resp.Changes, err
}

// ViewRoot reads a loaded document's root fields alone: for a ledger, its
// currency and continuations without its entries, at a cost that does not
// grow with them.
func (e *Engine) ViewRoot(ctx context.Context, doc string) (model.View, error) {
	resp, err := e.Call(ctx, Request{Op: OpView, Doc: doc, RootOnly: true})
	if err != nil || resp.View == nil {
		return model.View{}, err
	}
	return *resp.View, nil
}

// View reads a loaded document.
func (e *Engine) View(ctx context.Context, doc string) (model.View, error) {
	resp, err := e.Call(ctx, Request{Op: OpView, Doc: doc})
	if err != nil || resp.View == nil {
		return model.View{}, err
	}
	return *resp.View, nil
}

// Apply hands a loaded document received change chunks; with check set the
// engine also verifies that the document still saves and loads.
func (e *Engine) Apply(ctx context.Context, doc string, changes [][]byte, check bool) ([][32]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpApply, Doc: doc, Changes: changes, Check: check})
	return resp.Heads, err
}

// ApplyCheckUpTo hands a loaded document received change chunks and checks
// that it still saves and loads when its estimated size in the engine is
// at most upTo bytes. It reports whether the check was left for later
// (Check): the round trip costs time in proportion to the whole document.
func (e *Engine) ApplyCheckUpTo(ctx context.Context, doc string, changes [][]byte, upTo int64) (heads [][32]byte, unchecked bool, err error) {
	resp, err := e.Call(ctx, Request{Op: OpApply, Doc: doc, Changes: changes, Check: true, CheckUpTo: upTo})
	return resp.Heads, resp.Unchecked, err
}

// Check verifies that a loaded document still saves and loads back with
// the same heads, and returns them: the check Apply makes with check set,
// for changes applied without it. A document that fails is dropped from
// the engine (reload it from the store); one not loaded gives ErrNotLoaded.
func (e *Engine) Check(ctx context.Context, doc string) ([][32]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpCheck, Doc: doc})
	return resp.Heads, err
}

// CheckKeep is Check that also returns the saved form that loaded back
// and the hashes of every change it holds, as Save does: the bytes a
// snapshot keeps, for the price of one save and one load. A document that
// fails is dropped from the engine, as Check drops it.
func (e *Engine) CheckKeep(ctx context.Context, doc string) (snapshot []byte, covers [][32]byte, err error) {
	resp, err := e.Call(ctx, Request{Op: OpCheck, Doc: doc, Keep: true})
	return resp.Snapshot, resp.Covers, err
}

// Drop makes the engine forget a document (after a failed transaction, so
// that the next use reloads it from the store).
func (e *Engine) Drop(ctx context.Context, doc string) error {
	_, err := e.Call(ctx, Request{Op: OpDrop, Doc: doc})
	return err
}

// Stats reports the engine's resident memory in bytes and its open documents.
func (e *Engine) Stats(ctx context.Context) (rss int64, docs int, err error) {
	resp, err := e.Call(ctx, Request{Op: OpStats})
	return resp.RSS, resp.Docs, err
}

// SnapshotLoads reports how many loads the current engine process made from
// a snapshot (a fresh process starts at zero).
func (e *Engine) SnapshotLoads(ctx context.Context) (int, error) {
	resp, err := e.Call(ctx, Request{Op: OpStats})
	return resp.SnapshotLoads, err
}

// RoundTrips reports how many times the current engine process saved a
// document and loaded it back (round-trip checks and checked saves; a
// fresh process starts at zero).
func (e *Engine) RoundTrips(ctx context.Context) (int, error) {
	resp, err := e.Call(ctx, Request{Op: OpStats})
	return resp.RoundTrips, err
}
