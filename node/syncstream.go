package node

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// streamPage is how many missing changes MissingStream hands on at once.
const streamPage = 256

var _ replicate.StreamLocal = syncLocal{}

// MissingStream is Missing for one large document, handed to emit a page
// at a time as the store reads them, so that the responder's first frame
// leaves before the whole document is read (decision 0028). The pages
// come from one read transaction, in stored (causal) order.
func (l syncLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]replicate.Change) error) error {
	return l.view(ctx, func(tx *store.Tx) error {
		if row, err := tx.Doc(doc); err != nil || row.Space != space {
			return fmt.Errorf("%w: document %s of space %s: %v", ErrNotFound, doc, space, err)
		}
		rows, err := tx.Attestations(doc)
		if err != nil {
			return err
		}
		atts := firstAttestations(rows)
		var page []replicate.Change
		err = tx.EachChange(doc, func(c store.Change) error {
			if c.Seq <= vv[hex.EncodeToString(c.Actor)] {
				return nil
			}
			page = append(page, replicate.Change{Raw: c.Raw, Actor: c.Actor, Seq: c.Seq, Attestation: atts[c.Hash]})
			if len(page) < streamPage {
				return nil
			}
			err := emit(page)
			page = nil
			return err
		})
		if err != nil || len(page) == 0 {
			return err
		}
		return emit(page)
	})
}
