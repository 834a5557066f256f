package node_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// byteRecorder keeps every byte a non-member reads from members' streams.
type byteRecorder struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	streams int
}

func (r *byteRecorder) add(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf.Write(b)
}

// drain reads a stream a member opened to the non-member until it ends.
func (r *byteRecorder) drain(s network.Stream) {
	defer s.Close()
	r.mu.Lock()
	r.streams++
	r.mu.Unlock()
	_ = s.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, _ := io.ReadAll(io.LimitReader(s, 1<<20))
	r.add(b)
}

func (r *byteRecorder) snapshot() ([]byte, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.buf.Bytes()), r.streams
}

// canary returns a random marker that cannot occur by chance.
func canary() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "cnry" + hex.EncodeToString(b)
}

// plantCanaries adds 500 canaries to sp: 10 events through a with 10 in
// each description, 5 cases through b with 40 in each body, and 50 ledger
// entries through c with 4 in each memo. It returns them and the ledger
// entries' IDs.
func plantCanaries(t *testing.T, a, b, c *node.Node, sp node.Space) (canaries, entries []string) {
	t.Helper()
	ctx := t.Context()
	some := func(k int) string {
		var cs []string
		for range k {
			cs = append(cs, canary())
		}
		canaries = append(canaries, cs...)
		return strings.Join(cs, " ")
	}
	for i := range 10 {
		must[string](t)(a.AddEvent(ctx, sp, "", model.Event{Title: fmt.Sprintf("Assembly %d", i), Kind: "meeting",
			Status: "planned", Start: "2026-12-01T18:00:00Z", Description: some(10)}))
	}
	for i := range 5 {
		must[string](t)(b.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": fmt.Sprintf("Case %d", i)},
			Bodies: map[string]string{"en": some(40)}}))
	}
	for i := range 50 {
		entries = append(entries, must[string](t)(c.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in",
			AmountMinor: int64(i + 1), Currency: "EUR", Memo: some(4)})))
	}
	return canaries, entries
}

// addrInfo turns a node's first listen address into an AddrInfo.
func addrInfo(t *testing.T, n *node.Node) peer.AddrInfo {
	t.Helper()
	ai, err := peer.AddrInfoFromP2pAddr(must[ma.Multiaddr](t)(ma.NewMultiaddr(n.Addrs()[0])))
	if err != nil {
		t.Fatal(err)
	}
	return *ai
}

// rawPullFrom sends req from h to p over a new stream, as a peer outside
// the space could, and returns every frame of the answer, recording the
// bytes it read.
func rawPullFrom(t *testing.T, h host.Host, p peer.ID, req *replicate.Request, rec *byteRecorder) []*replicate.Frame {
	t.Helper()
	st, err := h.NewStream(t.Context(), p, replicate.ProtocolID)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = st.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := st.Write(must[[]byte](t)(replicate.EncodeRequest(req))); err != nil {
		t.Fatal(err)
	}
	var frames []*replicate.Frame
	for len(frames) == 0 || frames[len(frames)-1].Kind != replicate.KindEnd {
		var hdr [4]byte
		if _, err := io.ReadFull(st, hdr[:]); err != nil {
			t.Fatalf("after %d frames: %v", len(frames), err)
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(st, body); err != nil {
			t.Fatal(err)
		}
		rec.add(body)
		f, err := replicate.DecodeFrame(body)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, f)
	}
	return frames
}

// TestNonMemberSeesNoCanaries: three members serving on 127.0.0.1 hold
// 1,000 canaries in events, cases and ledger entries, half planted before a
// peer that is not a member connects to every one of them and half while it
// is connected. The non-member subscribes to gossip, is pulled from, and
// pulls (asking for nothing, then naming the space). It receives no change,
// no membership operation, no pubsub message and no topic name, and no byte
// it reads holds a canary, the space's ID or its topic name.
func TestNonMemberSeesNoCanaries(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	c, _ := serveNode(t, "Chen")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, c, sp)
	serveStart(t, a)
	serveStart(t, b, a.Addrs()[0])
	serveStart(t, c, a.Addrs()[0])
	keys := must[[]gossip.SpaceKey](t)(node.GossipKeys(a))
	if len(keys) != 1 || keys[0].ID != sp.ID {
		t.Fatalf("gossip keys %+v", keys)
	}
	topic := gossip.TopicName(keys[0].Key)

	var canaries, entries []string
	plant := func() {
		cs, es := plantCanaries(t, a, b, c, sp)
		canaries, entries = append(canaries, cs...), append(entries, es...)
	}
	plant() // before the non-member connects: only sync could leak them

	trace := newRPCTracer()
	obs := startGossipRaw(t, must[*seal.Identity](t)(seal.NewIdentity()), "", trace)
	rec := &byteRecorder{}
	obs.h.SetStreamHandler(replicate.ProtocolID, rec.drain)
	members := []*node.Node{a, b, c}
	for _, n := range members {
		if err := obs.h.Connect(ctx, addrInfo(t, n)); err != nil {
			t.Fatalf("the non-member connects to %s: %v", n.PeerID(), err)
		}
	}

	pullAll := func() {
		asks := []*replicate.Request{
			{Version: replicate.Version},
			{Version: replicate.Version, Spaces: []replicate.SpaceState{{Space: sp.ID}}},
		}
		for _, n := range members {
			for _, req := range asks {
				for _, f := range rawPullFrom(t, obs.h, addrInfo(t, n).ID, req, rec) {
					if len(f.Chunks) != 0 || len(f.Ops) != 0 || f.Space != "" || f.Doc != "" {
						t.Fatalf("%s answered a non-member with a frame of kind %d: %d changes, %d operations, space %q",
							n.PeerID(), f.Kind, len(f.Chunks), len(f.Ops), f.Space)
					}
					if f.Summary != nil && (f.Summary.Spaces != 0 || f.Summary.Changes != 0 || f.Summary.Ops != 0) {
						t.Fatalf("%s's summary to a non-member: %+v", n.PeerID(), f.Summary)
					}
				}
			}
		}
	}
	pullAll()
	plant() // while it is connected: gossip and pulls could leak them
	if len(canaries) != 1000 {
		t.Fatalf("planted %d canaries, want 1000", len(canaries))
	}
	for _, n := range members {
		eventually(t, "every member holds every planted entry", func() error { return entryCount(ctx, n, sp, len(entries)) })
	}
	pullAll()
	if err := a.SyncNow(ctx); err != nil {
		t.Logf("a's sync now: %v", err) // a pull from the non-member may fail; what matters is what it got
	}

	got, streams := rec.snapshot()
	for _, tr := range trace.delivered() {
		got = append(got, tr...)
	}
	if streams == 0 {
		t.Fatal("control: no member opened a sync stream to the non-member; the test saw nothing")
	}
	for _, s := range append([]string{sp.ID, topic, sp.Name}, canaries...) {
		if bytes.Contains(got, []byte(s)) {
			t.Fatalf("the non-member received %q", s)
		}
	}
	if trace.sawTopic(topic) || len(obs.ps.ListPeers(topic)) != 0 {
		t.Fatal("the topic name reached the non-member")
	}
	for _, n := range members {
		id := addrInfo(t, n).ID
		if k := trace.rpcsFrom(id); k != 0 {
			t.Fatalf("the non-member received %d pubsub RPCs from %s", k, id)
		}
	}
	t.Logf("the non-member read %d bytes on %d streams members opened, and pulled from each member twice", len(got), streams)
}
