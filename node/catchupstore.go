package node

import (
	"sync/atomic"

	"github.com/weftsync/weft/store"
)

// The store's part of a large batch that the state of the store does not
// decide (the keyed indexes of each change's IDs and its sealed row) is
// made ahead on a goroutine of the batch's, while the ingest's goroutine
// checks and writes the changes before (decision 0033).

// prepareFrom is the smallest batch (changes parsed) whose changes are
// prepared ahead (a variable for tests).
var prepareFrom = 64

// preparedAhead counts the changes prepared ahead (tests see the path
// taken).
var preparedAhead atomic.Int64

// storeAhead prepares a batch's changes, in order, on its own goroutine.
// Its owner, the goroutine that stores, takes each in turn with get and
// calls stop before the transaction ends, whatever happens. A nil
// storeAhead prepares nothing: get returns nil, and the change is stored
// as given.
type storeAhead struct {
	out  chan prepared // room for every change: the goroutine never waits
	quit atomic.Bool
	done chan struct{}
}

// prepared is one change as prepared ahead, or why it could not be.
type prepared struct {
	p   *store.PreparedChange
	err error
}

// prepareAhead starts preparing in's changes when the batch is large
// enough, nil otherwise.
func (in *incoming) prepareAhead(tx *store.Tx) *storeAhead {
	if len(in.changes) < prepareFrom {
		return nil
	}
	pr, err := tx.Preparer()
	if err != nil {
		return nil // AddChange meets the error again
	}
	a := &storeAhead{out: make(chan prepared, len(in.changes)), done: make(chan struct{})}
	changes, doc := in.changes, in.doc
	go func() { // owned by the storing goroutine: stop waits for it
		defer close(a.done)
		for _, c := range changes {
			if a.quit.Load() {
				return
			}
			p, err := pr.Prepare(storeChange(doc, c))
			a.out <- prepared{p, err}
			preparedAhead.Add(1)
		}
	}()
	return a
}

// get waits for the next change of the batch as prepared ahead (nil from
// a nil storeAhead). The owner calls it once for each change, in order.
func (a *storeAhead) get() (*store.PreparedChange, error) {
	if a == nil {
		return nil, nil
	}
	r := <-a.out
	return r.p, r.err
}

// stop ends the preparing goroutine and waits for it.
func (a *storeAhead) stop() {
	if a == nil {
		return
	}
	a.quit.Store(true)
	<-a.done
}
