package engine

import (
	"context"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// OpEditMany applies several typed edits to one loaded document in one
// call, in order, one commit each: Request.Edits holds them and
// Response.Changes the chunks of all their commits, in order. It exists so
// that a bulk import (weft ledger import) pays one round trip rather than
// one per edit. When an edit fails, the engine drops the document (the
// edits before it were committed in its copy, which the store never saw)
// and answers with the error of that edit, naming its position: the caller
// reloads the document from the store.
const OpEditMany = "edit_many"

// EditMany runs one OpEditMany call: it applies edits to doc in order, all
// at time at, and returns the raw change chunks they committed. On error
// the engine holds no copy of doc.
func (e *Engine) EditMany(ctx context.Context, doc string, edits []model.Edit, at time.Time) ([][]byte, error) {
	resp, err := e.Call(ctx, Request{Op: OpEditMany, Doc: doc, Edits: edits, Time: at.UnixMilli()})
	return resp.Changes, err
}
