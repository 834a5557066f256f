package crdt

import (
	"fmt"
	"sync/atomic"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amraw"
)

// ApplyCounted is Apply that also returns how many operations the changes
// added to the document, as automerge counts them while it applies them
// (a change the document held already adds none), or -1 when it could not
// say (automerge-go's wrapper drops the count). The engine's cache grows
// its estimate of the document by it instead of parsing every change
// again (decision 0037).
func (d *Doc) ApplyCounted(chunks [][]byte) ([][32]byte, int64, error) {
	if d.poison != nil {
		return nil, -1, d.poison
	}
	hashes, err := chunkHashes(chunks)
	if err != nil {
		return nil, -1, fmt.Errorf("crdt: apply: %w", err)
	}
	if len(chunks) == 0 {
		return d.Heads(), 0, nil
	}
	after, ops, err := d.loadChunksAfter(d.am.Heads(), chunks, hashes)
	if err != nil {
		return nil, -1, d.poisoned("apply", err)
	}
	hs := make([][32]byte, len(after))
	for i, h := range after {
		hs[i] = h
	}
	return hs, ops, nil
}

// rawApplyOff makes loadIncremental use automerge-go's wrapper (tests,
// and measuring the old path).
var rawApplyOff atomic.Bool

// loadIncremental loads raw change chunks into the document and returns
// the number of operations that added and its heads after: through amraw,
// in one cgo call, when it can reach automerge-go's C document; through
// the wrapper otherwise, which does not say how many operations it added
// (-1).
func (d *Doc) loadIncremental(raw []byte) (int64, []am.ChangeHash, error) {
	if !rawApplyOff.Load() && amraw.Available() {
		ops, heads, err := amraw.LoadIncremental(d.am, raw)
		if err != nil {
			return -1, nil, err
		}
		return int64(ops), heads, nil
	}
	if err := d.am.LoadIncremental(raw); err != nil {
		return -1, nil, err
	}
	return -1, d.am.Heads(), nil
}
