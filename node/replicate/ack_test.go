package replicate

import (
	"context"
	"maps"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// unacknowledged returns the first served state that is no acknowledgement.
func unacknowledged(mu *sync.Mutex, served *[]PeerState) *PeerState {
	mu.Lock()
	defer mu.Unlock()
	for _, ps := range *served {
		if !ps.Acknowledged {
			return &ps
		}
	}
	return nil
}

// trackLocal is a memLocal whose digest grows with what it ingests (one
// actor, 01, as serverLocal's changes have).
type trackLocal struct{ *memLocal }

func (l trackLocal) Digest(context.Context, string) (map[string]DocDigest, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]DocDigest{}
	for d, dd := range l.digest {
		out[d] = DocDigest{Type: dd.Type, VV: maps.Clone(dd.VV)}
	}
	return out, nil
}

func (l trackLocal) Ingest(ctx context.Context, space, doc, typ string, chunks, atts [][]byte) (Ingested, error) {
	l.mu.Lock()
	dd, ok := l.digest[doc]
	if !ok {
		dd = DocDigest{Type: typ, VV: map[string]uint64{}}
	}
	dd.VV["01"] += uint64(len(chunks))
	l.digest[doc] = dd
	l.mu.Unlock()
	return l.memLocal.Ingest(ctx, space, doc, typ, chunks, atts)
}

// vvs turns states into {doc: {hex actor: seq}} for one space.
func vvs(t *testing.T, spaces []SpaceState) map[string]map[string]uint64 {
	t.Helper()
	if len(spaces) != 1 || spaces[0].Space != testSpace {
		t.Fatalf("states of %d spaces: %+v", len(spaces), spaces)
	}
	out := map[string]map[string]uint64{}
	for _, d := range spaces[0].Docs {
		out[d.Doc] = vvMap(d.VV)
	}
	return out
}

func TestAcknowledgements(t *testing.T) {
	a, b := pair(t)
	server := serverLocal() // doc1: 40 changes of actor 01
	var mu sync.Mutex
	var served []PeerState
	sb := New(b, server, Options{OnServed: func(ps PeerState) {
		mu.Lock()
		defer mu.Unlock()
		served = append(served, ps)
	}})
	defer sb.Close()
	// The client holds 5 changes of doc1 and a document the server lacks.
	client := trackLocal{&memLocal{open: true, digest: map[string]DocDigest{
		"doc1": {Type: "ledger", VV: map[string]uint64{"01": 5}},
		"doc9": {Type: "case", VV: map[string]uint64{"02": 3}},
	}}}
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete || rep.Received() != 35 {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	t.Run("the opener learns the responder's state", func(t *testing.T) {
		want := map[string]map[string]uint64{"doc1": {"01": 40}, "doc9": {}}
		if got := vvs(t, rep.Remote); !reflect.DeepEqual(got, want) {
			t.Fatalf("remote state %v, want %v", got, want)
		}
	})
	t.Run("the responder learns the opener's acknowledged state", func(t *testing.T) {
		// The responder hands the state to OnServed after it answers, so
		// the opener's Pull can return first: wait for it (a minute at
		// most: the wait ends as soon as it comes).
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			n := len(served)
			mu.Unlock()
			if n > 0 {
				break
			}
		}
		mu.Lock()
		defer mu.Unlock()
		want := map[string]map[string]uint64{"doc1": {"01": 40}, "doc9": {"02": 3}}
		if len(served) != 1 || !served[0].Acknowledged || !served[0].Ahead || served[0].Peer != a.ID() { // doc9 is news to the server
			t.Fatalf("served %+v", served)
		}
		if got := vvs(t, served[0].Spaces); !reflect.DeepEqual(got, want) {
			t.Fatalf("acknowledged state %v, want %v", got, want)
		}
	})
	t.Run("a pull in step acknowledges in a few bytes", func(t *testing.T) {
		again, err := sa.Pull(t.Context(), b.ID())
		if err != nil || again.Received() != 0 || again.Remote == nil { // memLocal sends its two ops every time
			t.Fatalf("pull in step: %v, %+v", err, again)
		}
		// Two deltas with no document: a few dozen bytes beyond the request.
		t.Logf("pull in step: %d bytes out, %d in", again.BytesOut, again.BytesIn)
	})
	t.Run("an older opener is known by its request", func(t *testing.T) {
		older := &memLocal{open: true, digest: map[string]DocDigest{"doc1": {Type: "ledger", VV: map[string]uint64{"01": 7}}}}
		s := New(a, older, Options{})
		defer s.Close()
		req, err := s.request(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		oldPull(t, s, b.ID(), req)
		// The responder reports once it sees the stream end (the pull in
		// step before may report late: it is acknowledged).
		var got *PeerState
		for i := 0; i < 500 && got == nil; i++ {
			time.Sleep(10 * time.Millisecond)
			got = unacknowledged(&mu, &served)
		}
		if got == nil {
			t.Fatal("no report of the older opener's pull")
		}
		if want := map[string]map[string]uint64{"doc1": {"01": 7}}; !reflect.DeepEqual(vvs(t, got.Spaces), want) {
			t.Fatalf("state from an older opener %v, want %v", vvs(t, got.Spaces), want)
		}
	})
	t.Run("an older responder completes the pull", func(t *testing.T) {
		b.SetStreamHandler(ProtocolID, oldServe)
		// An older responder speaks ProtocolID alone, and identify tells
		// the opener so.
		b.RemoveStreamHandler(ProtocolBatched)
		if err := a.Peerstore().RemoveProtocols(b.ID(), ProtocolBatched); err != nil {
			t.Fatal(err)
		}
		defer b.SetStreamHandler(ProtocolBatched, sb.handle)
		defer b.SetStreamHandler(ProtocolID, sb.handle)
		rep, err := sa.Pull(t.Context(), b.ID())
		if err != nil || !rep.Complete || rep.Remote != nil {
			t.Fatalf("pull from an older responder: %v, %+v", err, rep)
		}
	})
}

// oldPull sends req as an opener of before acknowledgements did: it reads
// up to the end frame and closes.
func oldPull(t *testing.T, s *Syncer, to peer.ID, req *Request) {
	t.Helper()
	st, err := s.h.NewStream(t.Context(), to, ProtocolID)
	if err != nil {
		t.Fatal(err)
	}
	c := &conn{s: st, idle: IdleTimeout}
	b, err := EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.write(b); err != nil {
		t.Fatal(err)
	}
	for {
		body, err := c.readBody(MaxLargeFrame)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeFrame(body)
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind == KindEnd {
			break
		}
	}
	st.Close()
}

// oldServe answers as a responder of before acknowledgements did when it
// has nothing to send: the end frame, then close.
func oldServe(st network.Stream) {
	c := &conn{s: st, idle: IdleTimeout}
	if _, err := c.readBody(MaxFrame); err != nil {
		st.Reset()
		return
	}
	b, _ := EncodeFrame(&Frame{Version: Version, Kind: KindEnd, Summary: &Summary{}})
	c.write(b)
	st.CloseWrite()
	st.Close()
}
