package replicate

import (
	"context"
	"errors"
	"fmt"
)

// Settler is a BatchLocal that puts off, while a document's frames keep
// coming, work that each of them would otherwise redo on the whole
// document: the node's round-trip check of what a catch-up stored
// (decision 0028). The opener marks the last frame of a batch FrameIn.Open
// when more frames of its document may follow, and calls Settle for that
// document once they stop: at a frame of another document or of another
// kind, at the end frame, and when the pull ends for any reason, always
// before it acknowledges the answer. Settle is called once for each
// document a batch left open.
type Settler interface {
	BatchLocal
	// Settle runs what was put off for doc. It is called with the pull's
	// cancellation removed, and reports nothing: what it finds is the
	// Local's to log or act on.
	Settle(ctx context.Context, space, doc string)
}

// SettleReporter is a Settler whose Settle may find that what the
// document's earlier batches stored was dropped after their ingest
// returned (the node leaves the engine's tail of a batch to finish while
// the next batch is stored, decision 0048). The pull then ends with that
// error, before it acknowledges the answer, as when IngestFrames fails.
type SettleReporter interface {
	Settler
	// SettleReport is Settle, and returns what it found: a
	// DroppedAfterIngest, or an error wrapping one, when it counts the
	// changes dropped that ingests had reported stored.
	SettleReport(ctx context.Context, space, doc string) error
}

// DroppedAfterIngest is a SettleReporter's error, or wraps it, when changes
// that IngestFrames reported stored for the document were dropped after it
// returned (the engine refused them after their commit, decision 0048):
// the pull's report counts them refused, not stored, so that it says what
// stayed, and the pull ends with the error.
type DroppedAfterIngest struct {
	// Changes counts the changes dropped.
	Changes int
	// Err says why.
	Err error
}

func (e *DroppedAfterIngest) Error() string {
	return fmt.Sprintf("%d changes reported stored were dropped after their ingest returned: %v", e.Changes, e.Err)
}

// Unwrap returns why.
func (e *DroppedAfterIngest) Unwrap() error { return e.Err }

// openDoc is a document whose frames the opener took last and left open.
type openDoc struct{ space, doc string }

// settler returns Local as a Settler, or nil.
func (o *opener) settler() Settler {
	s, _ := o.s.local.(Settler)
	return s
}

// markOpen marks the last of in Open when Local is a Settler and that
// document is not open already, and returns the document to leave open
// after the batch (nil: none).
func (o *opener) markOpen(in []FrameIn) *openDoc {
	if len(in) == 0 || o.settler() == nil {
		return o.open
	}
	last := &in[len(in)-1]
	next := &openDoc{space: last.Space, doc: last.Doc}
	if o.open == nil || *o.open != *next {
		last.Open = true
	}
	return next
}

// settleUnless settles the open document unless it is next, and makes
// next the open one. It returns what a SettleReporter found.
func (o *opener) settleUnless(ctx context.Context, next *openDoc) error {
	var err error
	if o.open != nil && (next == nil || *o.open != *next) {
		ctx = context.WithoutCancel(ctx)
		if r, ok := o.settler().(SettleReporter); ok {
			if err = r.SettleReport(ctx, o.open.space, o.open.doc); err != nil {
				o.droppedAfter(*o.open, err)
				err = fmt.Errorf("replicate: settle %s: %w", o.open.doc, err)
			}
		} else {
			o.settler().Settle(ctx, o.open.space, o.open.doc)
		}
	}
	o.open = next
	return err
}

// droppedAfter moves, in open's report, the changes that err says were
// dropped after their ingest (DroppedAfterIngest) from stored to refused.
func (o *opener) droppedAfter(open openDoc, err error) {
	var dropped *DroppedAfterIngest
	d := o.t.docs[open.space][open.doc]
	if !errors.As(err, &dropped) || d == nil {
		return
	}
	n := min(max(dropped.Changes, 0), d.Stored)
	d.Stored -= n
	d.Refused += n
}
