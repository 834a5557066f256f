package replicate

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/latency"
)

// Pull asks p for what this node lacks of the spaces they share and
// ingests each frame as it arrives. The Report says what arrived even when
// the pull fails: every frame ingested before a failure is committed, and
// the next pull resumes from there. A transfer cut before its end fails
// with ErrIncomplete.
func (s *Syncer) Pull(ctx context.Context, p peer.ID) (rep Report, err error) {
	rep.Peer = p
	if !s.enter() {
		return rep, ErrClosed
	}
	defer s.wg.Done()
	start := time.Now()
	defer func() { rep.Duration = time.Since(start) }()
	key, err := peerKey(p)
	if err != nil {
		return rep, err
	}
	latency.Mark("pull.start")
	req, err := s.request(ctx, key)
	if err != nil {
		return rep, err
	}
	latency.Mark("pull.request")
	return rep, s.exchange(ctx, p, req, &rep)
}

// PullProving pulls spaces from p, as Pull does, with a proof of our
// membership (SpaceState.Proof) in each: the spaces p did not serve though
// our roster lists it (Report.Unserved), because its roster may lack our
// admission. Each (peer, space) is proved at most once every proofEvery;
// when none is due it does nothing and returns an empty Report.
func (s *Syncer) PullProving(ctx context.Context, p peer.ID, spaces []string) (rep Report, err error) {
	rep.Peer = p
	if !s.enter() {
		return rep, ErrClosed
	}
	defer s.wg.Done()
	req := &Request{Version: Version}
	for _, sp := range spaces[:min(len(spaces), MaxSpaces)] {
		if !s.proved.due(p, sp, time.Now()) {
			continue
		}
		st, err := s.taggedState(ctx, sp)
		if err != nil {
			return rep, err
		}
		ops, err := s.local.OpsSince(ctx, sp, nil)
		if err != nil {
			return rep, err
		}
		st.Proof = ops[max(0, len(ops)-maxProofSent):]
		req.Spaces = append(req.Spaces, st)
	}
	if len(req.Spaces) == 0 {
		return rep, nil
	}
	start := time.Now()
	defer func() { rep.Duration = time.Since(start) }()
	return rep, s.exchange(ctx, p, req, &rep)
}

// exchange opens the stream, sends req, takes the answer and, when it is
// complete, acknowledges it and reads the responder's state.
func (s *Syncer) exchange(ctx context.Context, p peer.ID, req *Request, rep *Report) error {
	b, err := EncodeRequest(req)
	if err != nil {
		return err
	}
	st, err := s.h.NewStream(ctx, p, s.protocols()...)
	if err != nil {
		return fmt.Errorf("replicate: open stream to %s: %w", p, olderPeer(err))
	}
	latency.Mark("pull.stream")
	stop := s.resetOnCancel(ctx, st)
	defer stop()
	o := &opener{s: s, c: &conn{s: st, idle: s.opts.Idle, batched: st.Protocol() == ProtocolBatched}, peer: p, asked: map[string]bool{}}
	var order []string
	for _, sp := range req.Spaces {
		o.asked[sp.Space] = true
		order = append(order, sp.Space)
	}
	o.t = newTally(order)
	err = o.run(ctx, b, rep)
	err = olderPeer(err)
	o.t.fill(rep)
	latency.Mark("pull.answered")
	if err == nil {
		rep.Remote, rep.Unserved, err = o.acknowledge(ctx, req)
		latency.Mark("pull.acked")
		if err != nil { // the answer is in: only what the peer holds stays unknown
			s.log.Debug("acknowledge a pull", "peer", p, "err", err)
			err = nil
		}
	}
	rep.BytesIn, rep.BytesOut = o.c.in.Load(), o.c.out
	if err != nil {
		st.Reset()
		return err
	}
	st.Close() // the answer is complete: a failed close loses nothing
	return nil
}

// opener takes one answer.
type opener struct {
	s     *Syncer
	c     *conn
	peer  peer.ID
	asked map[string]bool
	t     *tally
	got   Summary  // what arrived, to check against the end frame's
	open  *openDoc // the document a batch left open (settle.go)
}

// run sends the request and ingests frames until the end frame.
func (o *opener) run(ctx context.Context, req []byte, rep *Report) (err error) {
	if err := o.c.write(req); err != nil {
		return fmt.Errorf("%w: send request: %w", ErrIncomplete, err)
	}
	r := startReader(o.c, o.s.opts.MaxFrames, o.preparer())
	defer r.stop()
	defer func() { // before the answer is acknowledged
		if serr := o.settleUnless(ctx, nil); err == nil {
			err = serr
		}
	}()
	var next *received // what gather read past its batch
	for {
		var got received
		if next != nil {
			got, next = *next, nil
		} else {
			got = r.next(ctx)
		}
		if got.err != nil {
			return got.err
		}
		latency.Mark("pull.got")
		f := got.f
		var done bool
		var err error
		if o.batchable(f) {
			var batch []received
			batch, next = o.gather(r, got)
			err = o.changesBatch(ctx, batch)
		} else {
			// the open document's frames stopped
			if err = o.settleUnless(ctx, nil); err == nil {
				done, err = o.take(ctx, f, got.size)
			}
		}
		rep.Frames = int(o.got.Frames)
		if done {
			rep.Skipped = int(f.Summary.Skipped)
		}
		if done || err != nil {
			rep.Complete = done && err == nil
			return err
		}
		if o.s.opts.MaxFrames > 0 && rep.Frames >= o.s.opts.MaxFrames {
			return fmt.Errorf("%w: cut after %d frames (Options.MaxFrames)", ErrIncomplete, rep.Frames)
		}
	}
}

// take handles one frame; done reports the end frame.
func (o *opener) take(ctx context.Context, f *Frame, size int64) (done bool, err error) {
	if f.Kind == KindEnd {
		return true, o.end(f.Summary)
	}
	if !o.asked[f.Space] {
		return false, fmt.Errorf("%w: a frame for a space not asked for", ErrProtocol)
	}
	o.got.Frames++
	if f.Kind == KindOps {
		return false, o.ops(ctx, f, size)
	}
	return false, o.changes(ctx, f, size)
}

// ops stores a frame of membership operations.
func (o *opener) ops(ctx context.Context, f *Frame, size int64) error {
	sr := o.t.spaces[f.Space]
	sr.Ops += len(f.Ops)
	sr.OpBytes += size
	o.got.Ops += uint64(len(f.Ops))
	if err := o.s.local.AddOps(ctx, f.Space, f.Ops); err != nil {
		return fmt.Errorf("replicate: add membership operations: %w", err)
	}
	return nil
}

// changes ingests a frame of changes.
func (o *opener) changes(ctx context.Context, f *Frame, size int64) error {
	if !o.s.quota.pullFrame(o.peer, len(f.Chunks), size) {
		return fmt.Errorf("%w: %s sent more changes or bytes than its quota (Options.Quota)", ErrQuota, o.peer)
	}
	d := o.t.doc(f.Space, f.Doc, f.Type)
	d.Received += len(f.Chunks)
	d.Bytes += size
	o.got.Changes += uint64(len(f.Chunks))
	ing, err := o.s.local.Ingest(ctx, f.Space, f.Doc, f.Type, f.Chunks, f.Atts)
	d.add(ing)
	if err != nil {
		return fmt.Errorf("replicate: ingest %s: %w", f.Doc, err)
	}
	return nil
}

// end checks the end frame's summary against what arrived.
func (o *opener) end(sum *Summary) error {
	switch {
	case sum.Busy:
		return ErrBusy
	case sum.Frames != o.got.Frames || sum.Ops != o.got.Ops || sum.Changes != o.got.Changes:
		return fmt.Errorf("%w: the summary disagrees with the frames received", ErrProtocol)
	}
	return nil
}

// request builds the request: for each space shared with the peer (at
// most MaxSpaces, and as many as fit MaxDocs), its membership-log heads
// and its documents' digests.
func (s *Syncer) request(ctx context.Context, peerKey ed25519.PublicKey) (*Request, error) {
	spaces, err := s.local.Spaces(ctx, peerKey)
	if err != nil {
		return nil, err
	}
	sort.Strings(spaces)
	req := &Request{Version: Version}
	docs := 0
	for _, sp := range spaces[:min(len(spaces), MaxSpaces)] {
		st, err := s.taggedState(ctx, sp)
		if err != nil {
			return nil, err
		}
		if docs += len(st.Docs); docs > MaxDocs {
			break // the rest is asked for once these are in step
		}
		req.Spaces = append(req.Spaces, st)
	}
	return req, nil
}

// opHeads returns the heads of space's membership log as a request
// carries them: at most MaxHeads, 32 bytes each.
func (s *Syncer) opHeads(ctx context.Context, space string) ([][]byte, error) {
	heads, err := s.local.OpHeads(ctx, space)
	if err != nil {
		return nil, err
	}
	var out [][]byte // nil when there are none, as before
	for _, h := range heads[:min(len(heads), MaxHeads)] {
		out = append(out, h[:])
	}
	return out, nil
}

// spaceState is what this node holds of one space.
func (s *Syncer) spaceState(ctx context.Context, space string) (SpaceState, error) {
	st := SpaceState{Space: space}
	var err error
	if st.Heads, err = s.opHeads(ctx, space); err != nil {
		return st, err
	}
	digest, err := s.local.Digest(ctx, space)
	if err != nil {
		return st, err
	}
	st.Docs, err = docStates(digest)
	return st, err
}

// docStates is a digest as a request carries it: documents in ID order,
// each vector as clocks.
func docStates(digest map[string]DocDigest) ([]DocState, error) {
	var out []DocState
	for _, doc := range sortedKeys(digest) {
		vv, err := clocks(digest[doc].VV)
		if err != nil {
			return nil, fmt.Errorf("replicate: digest of %s: %w", doc, err)
		}
		out = append(out, DocState{Doc: doc, Type: digest[doc].Type, VV: vv})
	}
	return out, nil
}

// clocks turns a version vector into clocks ascending by actor, at most
// MaxActors (a longer vector is cut: the responder then sends changes
// already held, which ingest counts as duplicates).
func clocks(vv map[string]uint64) ([]Clock, error) {
	out := make([]Clock, 0, len(vv))
	for a, seq := range vv {
		actor, err := hex.DecodeString(a)
		if err != nil || len(actor) == 0 || seq == 0 {
			return nil, errors.New("replicate: bad version vector entry")
		}
		out = append(out, Clock{Actor: actor, Seq: seq})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Actor, out[j].Actor) < 0 })
	return out[:min(len(out), MaxActors)], nil
}
