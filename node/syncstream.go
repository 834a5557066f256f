package node

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"sync/atomic"

	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// attestationAt returns a function that reads the attestation of the
// change hash that ref names (store.AttestationRefs), in a read
// transaction of its own: the responder calls it for the few changes its
// frames carry attestations of, after the read that found them may have
// ended.
func (l syncLocal) attestationAt(ctx context.Context, doc string, ref int64, hash [32]byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		var blob []byte
		err := l.view(ctx, func(tx *store.Tx) error {
			a, err := tx.AttestationAt(doc, ref, hash)
			blob = a.Blob
			return err
		})
		return blob, err
	}
}

// MissingStream hands on the missing changes a page at a time: at most
// streamPage changes, and no more than streamPageBytes raw bytes past the
// change that crosses them (a member may store changes of up to
// wire.MaxChunkSize, so a count alone would not bound a page's memory).
const (
	streamPage      = 256
	streamPageBytes = 1 << 20
)

var _ replicate.StreamLocal = syncLocal{}

// streamedReads counts MissingStream's reads, a paused read's resume
// again (tests).
var streamedReads atomic.Int64

// MissingStream is Missing for one large document, handed to emit a page
// at a time as the store reads them, so that the responder's first frame
// leaves before the whole document is read (decision 0028). The pages
// come from one read transaction, in stored (causal) order.
// The changes' attestations are not read with them: each attested change
// carries a function that reads its attestation (replicate.Change.Attest),
// which the responder calls for the few its frames carry (decision 0033).
func (l syncLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]replicate.Change) error) error {
	streamedReads.Add(1)
	return l.view(ctx, func(tx *store.Tx) error {
		if row, err := tx.Doc(doc); err != nil || row.Space != space {
			return fmt.Errorf("%w: document %s of space %s: %v", ErrNotFound, doc, space, err)
		}
		latency.Mark("stream.begun")
		refs, err := tx.AttestationRefs(doc)
		if err != nil {
			return err
		}
		latency.Mark("stream.refs")
		size := 0 // an attestation's size, from the first one read
		var page []replicate.Change
		pageBytes := 0
		var actor []byte // the last change's actor, and what vv holds of it
		var have uint64
		err = tx.EachChangeIndexed(doc, func(c store.Change, hashIndex []byte) error {
			if !bytes.Equal(c.Actor, actor) { // a ledger's changes are one actor's, mostly
				actor, have = c.Actor, vv[hex.EncodeToString(c.Actor)]
			}
			if c.Seq <= have {
				return nil
			}
			sc := replicate.Change{Raw: c.Raw, Actor: c.Actor, Seq: c.Seq}
			if ref, ok := refs.At(hashIndex); ok {
				if size == 0 { // read the first one now: its size stands for the others'
					a, err := tx.AttestationAt(doc, ref, c.Hash)
					if err != nil {
						return err
					}
					sc.Attestation, size = a.Blob, len(a.Blob)
				} else {
					sc.Attest, sc.AttestSize = l.attestationAt(ctx, doc, ref, c.Hash), size
				}
			}
			page = append(page, sc)
			if pageBytes += len(c.Raw); len(page) < streamPage && pageBytes < streamPageBytes {
				return nil
			}
			err := emit(page)
			page, pageBytes = nil, 0
			return err
		})
		if err != nil || len(page) == 0 {
			return err
		}
		return emit(page)
	})
}
