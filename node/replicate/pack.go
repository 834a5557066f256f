package replicate

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// maxContent bounds the chunk and attestation bytes of one frame, so its
// encoding stays under MaxDecompressed.
const maxContent = MaxDecompressed - frameSlack

// startBudget is the first frame's budget of raw bytes; later frames
// adapt it to the compression ratio seen.
const startBudget = MaxFrame * 7 / 8

// packer splits one document's missing changes into frames: causally
// closed prefixes of the stored order, each ending where every actor's
// newest change in it carries an attestation, compressed to at most
// MaxFrame (or one chunk alone up to MaxLargeFrame).
type packer struct {
	space, doc, typ string
	budget          int  // raw bytes per frame
	fixed           bool // budget set by Options.FrameBudget: do not adapt
	limit           int  // when positive, the most adapt raises the budget to
}

// newPacker returns a packer for one document; budget > 0 fixes the raw
// bytes per frame (tests use small ones to make many frames).
func newPacker(space, doc, typ string, budget int) *packer {
	if budget > 0 {
		return &packer{space: space, doc: doc, typ: typ, budget: min(budget, maxContent), fixed: true}
	}
	return &packer{space: space, doc: doc, typ: typ, budget: startBudget}
}

// errNoCut: no prefix of the changes ends at attested changes within the
// limits; they cannot be sent.
var errNoCut = errors.New("replicate: no attested cut point within the limits")

// next encodes the next frame from the head of cs and returns its wire
// form and how many changes it takes.
func (p *packer) next(cs []Change) ([]byte, int, error) {
	budget := p.budget
	for {
		n := cut(cs, budget)
		if n == 0 {
			return nil, 0, errNoCut
		}
		f, err := p.frame(cs[:n])
		if err != nil {
			return nil, 0, err
		}
		b, err := EncodeFrame(f)
		if errors.Is(err, ErrTooLarge) {
			size := contentSize(cs[:n])
			if budget = size / 2; n == 1 || cut(cs, budget) >= n {
				return nil, 0, errNoCut
			}
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		p.adapt(contentSize(cs[:n]), len(b))
		return b, n, nil
	}
}

// adapt sets the next frame's budget from the compression ratio of the
// last one: raw bytes that compress to about 80% of MaxFrame.
func (p *packer) adapt(raw, compressed int) {
	if p.fixed || compressed == 0 {
		return
	}
	b := int(float64(MaxFrame) * 0.8 * float64(raw) / float64(compressed))
	p.budget = max(MaxFrame/2, min(b, maxContent))
	if p.limit > 0 {
		p.budget = min(p.budget, p.limit)
	}
}

// cut returns how many changes of cs the next frame takes: the longest
// prefix within budget raw bytes that ends where every actor's newest
// change carries an attestation; when even the shortest such prefix is
// over budget, that prefix, if it fits maxContent and MaxItems. It returns
// 0 when there is none.
func cut(cs []Change, budget int) int {
	open := map[string]bool{} // actors whose newest change so far is unattested
	size, best := 0, 0
	for i := range cs {
		c := &cs[i]
		size += len(c.Raw) + c.attestSize()
		if (size > budget && best > 0) || size > maxContent || i >= MaxItems {
			return best
		}
		if c.attested() {
			delete(open, string(c.Actor))
		} else {
			open[string(c.Actor)] = true
		}
		if len(open) == 0 {
			best = i + 1
			if size > budget {
				return best
			}
		}
	}
	return best
}

// contentSize is the raw bytes of cs.
func contentSize(cs []Change) int {
	n := 0
	for i := range cs {
		n += len(cs[i].Raw) + cs[i].attestSize()
	}
	return n
}

// frame builds the frame of cs: its chunks and, per actor, the
// attestation of its newest change (read now when it was not).
func (p *packer) frame(cs []Change) (*Frame, error) {
	f := &Frame{Version: Version, Kind: KindChanges, Space: p.space, Doc: p.doc, Type: p.typ}
	newest := map[string]int{}
	for i, c := range cs {
		f.Chunks = append(f.Chunks, c.Raw)
		newest[string(c.Actor)] = i
	}
	for i := range cs {
		c := &cs[i]
		if newest[string(c.Actor)] != i || !c.attested() {
			continue
		}
		a, err := c.attestation()
		if err != nil {
			return nil, fmt.Errorf("replicate: read the attestation of %s's change %d: %w", hex.EncodeToString(c.Actor), c.Seq, err)
		}
		f.Atts = append(f.Atts, a)
	}
	return f, nil
}
