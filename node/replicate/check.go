package replicate

import (
	"bytes"
	"fmt"
)

// malformed returns an ErrMalformed naming what is wrong.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// check enforces the request's format and limits.
func (r *Request) check() error {
	if r.Version != Version {
		return malformed("request version %d, want %d", r.Version, Version)
	}
	if len(r.Spaces) > MaxSpaces {
		return malformed("%d spaces, over %d", len(r.Spaces), MaxSpaces)
	}
	seen, docs := map[string]bool{}, 0
	for _, s := range r.Spaces {
		if err := s.check(); err != nil {
			return err
		}
		if seen[s.Space] {
			return malformed("space listed twice")
		}
		seen[s.Space] = true
		if docs += len(s.Docs); docs > MaxDocs {
			return malformed("over %d documents", MaxDocs)
		}
	}
	return nil
}

// check enforces one space's part of a request.
func (s *SpaceState) check() error {
	if err := checkID("space", s.Space); err != nil {
		return err
	}
	if len(s.Heads) > MaxHeads {
		return malformed("%d heads, over %d", len(s.Heads), MaxHeads)
	}
	for _, h := range s.Heads {
		if len(h) != 32 {
			return malformed("head of %d bytes", len(h))
		}
	}
	if len(s.Proof) > MaxProof {
		return malformed("%d proof operations, over %d", len(s.Proof), MaxProof)
	}
	for _, op := range s.Proof {
		if len(op) == 0 || len(op) > MaxOp {
			return malformed("proof operation of %d bytes", len(op))
		}
	}
	seen, clocks := map[string]bool{}, 0
	for _, d := range s.Docs {
		if err := d.check(); err != nil {
			return err
		}
		if seen[d.Doc] {
			return malformed("document listed twice")
		}
		seen[d.Doc] = true
		clocks += len(d.VV)
	}
	switch {
	case len(s.Nonce) != 0 && len(s.Nonce) != NonceSize:
		return malformed("nonce of %d bytes", len(s.Nonce))
	case len(s.Tags) != 0 && (len(s.Tags) != tagBytes(clocks) || len(s.Nonce) == 0):
		return malformed("%d tags for %d clocks", len(s.Tags), clocks)
	}
	return nil
}

// check enforces one document's part of a request: a valid ID and type, and
// a version vector ascending by actor with each seq at least 1.
func (d *DocState) check() error {
	if err := checkID("document", d.Doc); err != nil {
		return err
	}
	if len(d.Type) > MaxType {
		return malformed("document type of %d bytes", len(d.Type))
	}
	if len(d.VV) > MaxActors {
		return malformed("%d actors, over %d", len(d.VV), MaxActors)
	}
	for i, c := range d.VV {
		switch {
		case len(c.Actor) == 0 || len(c.Actor) > MaxActorLen:
			return malformed("actor of %d bytes", len(c.Actor))
		case c.Seq == 0:
			return malformed("seq 0")
		case i > 0 && bytes.Compare(d.VV[i-1].Actor, c.Actor) >= 0:
			return malformed("version vector not ascending by actor")
		}
	}
	return nil
}

// checkID refuses an empty or oversized ID.
func checkID(what, id string) error {
	if id == "" || len(id) > MaxID {
		return malformed("%s ID of %d bytes", what, len(id))
	}
	return nil
}

// check enforces a frame's format and limits, except its size.
func (f *Frame) check() error {
	if f.Version != Version {
		return malformed("frame version %d, want %d", f.Version, Version)
	}
	switch f.Kind {
	case KindOps:
		return f.checkOps()
	case KindChanges:
		return f.checkChanges()
	case KindEnd:
		if f.Summary == nil || f.Space != "" || f.Doc != "" || f.Type != "" || f.Ops != nil || f.Chunks != nil || f.Atts != nil {
			return malformed("end frame with other fields, or without its summary")
		}
		return nil
	}
	return malformed("frame kind %d", f.Kind)
}

// checkOps enforces a frame of membership operations.
func (f *Frame) checkOps() error {
	if f.Doc != "" || f.Type != "" || f.Chunks != nil || f.Atts != nil || f.Summary != nil {
		return malformed("operations frame with other fields")
	}
	if err := checkID("space", f.Space); err != nil {
		return err
	}
	return checkItems("operation", f.Ops, 1, MaxOp)
}

// checkChanges enforces a frame of changes.
func (f *Frame) checkChanges() error {
	if f.Ops != nil || f.Summary != nil {
		return malformed("changes frame with other fields")
	}
	if err := checkID("space", f.Space); err != nil {
		return err
	}
	if err := checkID("document", f.Doc); err != nil {
		return err
	}
	if len(f.Type) > MaxType {
		return malformed("document type of %d bytes", len(f.Type))
	}
	if err := checkItems("chunk", f.Chunks, 1, MaxChunk); err != nil {
		return err
	}
	return checkItems("attestation", f.Atts, 0, MaxAttestation)
}

// checkItems checks the count (at least min, at most MaxItems) and the
// size of each item (1 to max bytes).
func checkItems(what string, items [][]byte, min, max int) error {
	if len(items) < min || len(items) > MaxItems {
		return malformed("%d %ss", len(items), what)
	}
	for _, it := range items {
		if len(it) == 0 || len(it) > max {
			return malformed("%s of %d bytes", what, len(it))
		}
	}
	return nil
}

// checkSize enforces the frame's compressed size n: at most MaxFrame, or
// at most MaxLargeFrame for one chunk alone.
func (f *Frame) checkSize(n int) error {
	switch {
	case n <= MaxFrame:
		return nil
	case n <= MaxLargeFrame && f.Kind == KindChanges && len(f.Chunks) == 1:
		return nil
	}
	return fmt.Errorf("%w: frame of %d bytes compressed", ErrTooLarge, n)
}
