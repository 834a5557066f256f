package engine

import (
	"context"

	"github.com/weftsync/weft/crdt/model"
)

// OpApplyMany applies received changes to several documents in one call:
// Request.Batch holds one DocApply per document, Response.Batch one
// DocResult each, in the same order. It exists so that a node taking in a
// sync frame of many small documents pays one round trip for all of them
// rather than three or four per document.
const OpApplyMany = "apply_many"

// DocApply is one document's part of an OpApplyMany call.
type DocApply struct {
	Doc string `cbor:"doc"`
	// Load asks the engine to open the document from Changes alone (a
	// document new to this node), under Actor, instead of applying them to
	// the copy it holds. Without it, a document the engine does not hold
	// answers CodeNotLoaded.
	Load    bool     `cbor:"load,omitempty"`
	Actor   []byte   `cbor:"actor,omitempty"`
	Changes [][]byte `cbor:"changes,omitempty"`
	// Check asks, as Request.Check does for OpApply, that the document
	// still saves and loads afterwards.
	Check bool `cbor:"check,omitempty"`
	// View asks for the document's view afterwards.
	View bool `cbor:"view,omitempty"`
	// Root asks, with Load and Check and without View, for what the
	// document's root says of it (DocResult.Root) instead of its view: the
	// engine reads it in the same pass over the root as the load, and
	// neither reads nor sends the document's content.
	Root bool `cbor:"root,omitempty"`
}

// DocResult is one document's outcome in an OpApplyMany call: an error
// code and message as in Response, or its heads and (when asked) view or
// root. A
// document that failed was dropped by the engine, as OpApply drops it.
type DocResult struct {
	Code  string      `cbor:"code,omitempty"`
	Err   string      `cbor:"err,omitempty"`
	Heads [][32]byte  `cbor:"heads,omitempty"`
	View  *model.View `cbor:"view,omitempty"`
	Root  *model.Root `cbor:"root,omitempty"`
}

// Error returns the outcome's error, matching the same sentinels as a
// Call's (ErrNotLoaded, ErrInvalid, ErrPoisoned), or nil.
func (r DocResult) Error() error {
	return responseError(OpApplyMany, Response{Code: r.Code, Err: r.Err})
}

// ApplyMany runs one OpApplyMany call. The error is the call's (the engine
// died, ran past its deadline, was closed): then no document's outcome is
// known and every document the engine held is gone when it died. Each
// document's own outcome is in its DocResult.
func (e *Engine) ApplyMany(ctx context.Context, docs []DocApply) ([]DocResult, error) {
	resp, err := e.Call(ctx, Request{Op: OpApplyMany, Batch: docs})
	if err != nil {
		return nil, err
	}
	if len(resp.Batch) != len(docs) {
		return nil, responseError(OpApplyMany, Response{Code: CodeFailed, Err: "the engine answered for another number of documents"})
	}
	return resp.Batch, nil
}
