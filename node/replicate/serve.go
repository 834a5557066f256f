package replicate

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/latency"
)

// handle serves one pull on st.
func (s *Syncer) handle(st network.Stream) {
	if !s.enter() {
		st.Reset()
		return
	}
	defer s.wg.Done()
	stop := s.resetOnCancel(s.ctx, st)
	defer stop()
	c := &conn{s: st, idle: s.opts.Idle}
	if err := s.serve(s.ctx, st, c); err != nil {
		s.log.Debug("serve pull", "peer", st.Conn().RemotePeer(), "err", err)
		st.Reset()
		return
	}
	st.CloseWrite()
	st.Close()
}

// serve reads the request and answers it.
func (s *Syncer) serve(ctx context.Context, st network.Stream, c *conn) error {
	body, err := c.readBody(MaxFrame)
	if err != nil {
		return err
	}
	req, err := DecodeRequest(body)
	if err != nil {
		return err
	}
	latency.Mark("serve.request")
	from := st.Conn().RemotePeer()
	if !s.quota.servePulls.Take(from, 1, time.Now()) {
		return s.writeFrame(c, &Frame{Version: Version, Kind: KindEnd, Summary: &Summary{Busy: true}})
	}
	select {
	case s.serving <- struct{}{}:
		defer func() { <-s.serving }()
	default:
		return s.writeFrame(c, &Frame{Version: Version, Kind: KindEnd, Summary: &Summary{Busy: true}})
	}
	r := &responder{s: s, c: c, peer: from, served: map[string]bool{}}
	if st.Protocol() == ProtocolBatched {
		r.batch = &frameBatch{}
	}
	err = r.answer(ctx, st, req)
	if err == nil {
		err = r.flush()
	}
	if errors.Is(err, errServeQuota) {
		r.sum.Busy = true
	} else if err != nil {
		return err
	}
	if err := s.writeFrame(c, &Frame{Version: Version, Kind: KindEnd, Summary: &r.sum}); err != nil {
		return err
	}
	latency.Mark("serve.end")
	ps, err := r.acknowledged(ctx, req)
	if len(ps.Spaces) > 0 && s.opts.OnServed != nil {
		ps.Peer = st.Conn().RemotePeer()
		s.opts.OnServed(ps)
	}
	return err
}

// writeFrame encodes and writes one frame.
func (s *Syncer) writeFrame(c *conn, f *Frame) error {
	b, err := EncodeFrame(f)
	if err != nil {
		return err
	}
	return c.write(b)
}

// responder answers one request.
type responder struct {
	s      *Syncer
	c      *conn
	peer   peer.ID
	sum    Summary
	served map[string]bool // the spaces answered
	batch  *frameBatch     // on ProtocolBatched: the frames not yet written
}

// answer serves the asked spaces in which the opener is a member by our
// roster; the others are passed over without a word.
func (r *responder) answer(ctx context.Context, st network.Stream, req *Request) error {
	key, err := peerKey(st.Conn().RemotePeer())
	if err != nil {
		return nil // not an Ed25519 peer: a member of nothing
	}
	spaces, err := r.s.local.Spaces(ctx, key)
	if err != nil {
		return err
	}
	member := map[string]bool{}
	for _, sp := range spaces {
		member[sp] = true
	}
	for i := range req.Spaces {
		want := &req.Spaces[i]
		if !member[want.Space] && !r.admitted(ctx, key, want) {
			continue
		}
		r.served[want.Space] = true
		if err := r.space(ctx, want); err != nil {
			return err
		}
	}
	return nil
}

// admitted checks the proof of membership the opener sent for a space our
// roster does not list it in, at most once per peer and space every
// proofEvery. Whatever the outcome, the opener is told nothing unless the
// proof admits it.
func (r *responder) admitted(ctx context.Context, key ed25519.PublicKey, want *SpaceState) bool {
	if len(want.Proof) == 0 || !r.s.proofs.due(r.peer, want.Space, time.Now()) {
		return false
	}
	ok, err := r.s.local.TakeProof(ctx, want.Space, key, want.Proof)
	if err != nil {
		r.s.log.Debug("take a proof of membership", "peer", r.peer, "err", err)
		return false
	}
	return ok
}

// space sends what the opener lacks of one space: membership operations
// first, then the documents that differ.
func (r *responder) space(ctx context.Context, want *SpaceState) error {
	r.sum.Spaces++
	if err := r.ops(ctx, want); err != nil {
		return err
	}
	latency.Mark("serve.ops")
	digest, err := r.s.local.Digest(ctx, want.Space)
	if err != nil {
		return err
	}
	latency.Mark("serve.digest")
	theirs := map[string]map[string]uint64{}
	for _, d := range want.Docs {
		theirs[d.Doc] = vvMap(d.VV)
	}
	forks, err := r.forks(ctx, want, digest)
	if err != nil {
		return err
	}
	latency.Mark("serve.forks")
	return r.docs(ctx, want.Space, digest, theirs, forks)
}

// docs sends, in document order, the evidence of each forked document
// and the changes of each document the opener lacks some of. With a
// ManyLocal, the changes are read a group of documents at a time
// (prefetch) rather than one read transaction per document.
func (r *responder) docs(ctx context.Context, space string, digest map[string]DocDigest, theirs map[string]map[string]uint64, forks map[string]*docFork) error {
	order := sortedKeys(digest)
	var send []DocWant // the documents to send, in order
	for _, doc := range order {
		if vv, has := theirs[doc]; !has || ahead(digest[doc].VV, vv) {
			send = append(send, DocWant{Doc: doc, VV: theirs[doc]})
		}
	}
	pre := &prefetch{local: r.s.local, space: space, digest: digest, send: send, streams: r.streamer() != nil}
	for _, doc := range order {
		if fk, ok := forks[doc]; ok { // evidence first: the cut it brings refuses what follows
			if err := r.evidence(ctx, space, doc, digest[doc].Type, fk); err != nil {
				return err
			}
		}
		if !pre.wanted(doc) {
			continue
		}
		if sl := r.streamer(); sl != nil {
			if w, ok := pre.stream(doc); ok {
				if err := r.stream(ctx, sl, space, doc, digest[doc].Type, w.VV); err != nil {
					return err
				}
				continue
			}
		}
		cs, err := pre.missing(ctx, doc)
		if sl := r.streamer(); sl != nil && errors.Is(err, ErrReadOverBytes) {
			if w, ok := pre.stream(doc); ok { // too large to read with others, or whole
				if err := r.stream(ctx, sl, space, doc, digest[doc].Type, w.VV); err != nil {
					return err
				}
				continue
			}
		}
		if err != nil {
			return err
		}
		if err := r.doc(space, doc, digest[doc].Type, cs); err != nil {
			return err
		}
	}
	return nil
}

// ops sends the membership operations the opener lacks, in frames of at
// most startBudget raw bytes.
func (r *responder) ops(ctx context.Context, want *SpaceState) error {
	heads := make([][32]byte, len(want.Heads))
	for i, h := range want.Heads {
		heads[i] = [32]byte(h)
	}
	ops, err := r.s.local.OpsSince(ctx, want.Space, heads)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		if err := r.flush(); err != nil { // the frames of the space before
			return err
		}
	}
	for len(ops) > 0 {
		n, size := 0, 0
		for n < len(ops) && n < MaxItems && (n == 0 || size+len(ops[n]) <= startBudget) {
			size += len(ops[n])
			n++
		}
		if err := r.s.writeFrame(r.c, &Frame{Version: Version, Kind: KindOps, Space: want.Space, Ops: ops[:n]}); err != nil {
			return err
		}
		r.sum.Frames++
		r.sum.Ops += uint64(n)
		ops = ops[n:]
	}
	return nil
}

// leaveUnsent counts and logs n changes that no frame can carry: no
// prefix of them ends at attested changes within the limits.
func (r *responder) leaveUnsent(n int) {
	r.sum.Skipped += uint64(n)
	r.s.log.Warn("changes with no attested cut point left unsent", "changes", n)
}

// doc sends cs, the changes of doc the opener lacks.
func (r *responder) doc(space, doc, typ string, cs []Change) error {
	p := newPacker(space, doc, typ, r.s.opts.FrameBudget)
	for len(cs) > 0 {
		b, raw, n, err := p.nextOf(cs, r.batch != nil)
		if errors.Is(err, errNoCut) {
			r.leaveUnsent(len(cs))
			return nil
		}
		if err != nil {
			return err
		}
		if raw {
			err = r.sendBatched(b, n)
		} else {
			err = r.send(b, n)
		}
		if err != nil {
			return err
		}
		cs = cs[n:]
	}
	return nil
}

// send writes one encoded frame of n changes within the peer's serve
// quota, and counts it, after the frames batched before it.
func (r *responder) send(b []byte, n int) error {
	if err := r.flush(); err != nil {
		return err
	}
	if !r.s.quota.serveBytes.Take(r.peer, float64(len(b)), time.Now()) {
		return errServeQuota
	}
	latency.Mark("serve.packed")
	if err := r.c.write(b); err != nil {
		return err
	}
	latency.Mark("serve.sent")
	r.sum.Frames++
	r.sum.Changes += uint64(n)
	return nil
}

// vvMap turns a request's clocks into a version vector {hex actor: seq}.
func vvMap(cs []Clock) map[string]uint64 {
	vv := make(map[string]uint64, len(cs))
	for _, c := range cs {
		vv[hex.EncodeToString(c.Actor)] = c.Seq
	}
	return vv
}

// ahead reports whether ours holds a change theirs lacks.
func ahead(ours, theirs map[string]uint64) bool {
	for a, seq := range ours {
		if seq > theirs[a] {
			return true
		}
	}
	return false
}

// sortedKeys returns m's keys in ascending order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
