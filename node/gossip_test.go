package node_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// gossipWait bounds every wait for something to cross the network: the
// waits end as soon as it has, and the tests run under -race on loaded
// machines.
const gossipWait = time.Minute

// gossipEventually polls cond until it holds or gossipWait passes; on
// failure it reports what and the gossip counters of ms.
func gossipEventually(t *testing.T, what string, cond func() bool, ms ...*gossipMember) {
	t.Helper()
	deadline := time.Now().Add(gossipWait)
	for !cond() {
		if time.Now().After(deadline) {
			var stats []string
			for _, m := range ms {
				stats = append(stats, fmt.Sprintf("%s %+v", m.n.Name(), m.g.Stats()))
			}
			t.Fatalf("after %v: %s; gossip %s", gossipWait, what, strings.Join(stats, ", "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// gossipHost builds a libp2p host on loopback from an identity.
func gossipHost(t *testing.T, id *seal.Identity) host.Host {
	t.Helper()
	k, err := crypto.UnmarshalEd25519PrivateKey(id.Private)
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.Identity(k), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func gossipConnect(t *testing.T, a host.Host, others ...host.Host) {
	t.Helper()
	for _, b := range others {
		if err := a.Connect(t.Context(), peer.AddrInfo{ID: b.ID(), Addrs: b.Addrs()}); err != nil {
			t.Fatalf("gossipConnect: %v", err)
		}
	}
}

// gossipMember is an honest node on the network.
type gossipMember struct {
	n       *node.Node
	h       host.Host
	g       *gossip.Gossip
	tr      *rpcTracer
	missing chan string // spaces OnMissing was called for
}

func startGossipMember(t *testing.T, n *node.Node) *gossipMember {
	t.Helper()
	m := &gossipMember{n: n, h: gossipHost(t, node.IdentityOf(n)), tr: newRPCTracer(), missing: make(chan string, 64)}
	if m.h.ID().String() != n.PeerID() {
		t.Fatalf("host peer ID %s, node peer ID %s", m.h.ID(), n.PeerID())
	}
	g, err := n.Gossip(t.Context(), m.h, gossip.Options{
		OnMissing: func(space string, _ peer.ID) {
			select {
			case m.missing <- space:
			default:
			}
		},
		PubSub: []pubsub.Option{pubsub.WithRawTracer(m.tr)},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	m.g = g
	return m
}

// rpcTracer records what one pubsub saw: who sent it RPCs, every topic
// named in them, and duplicates dropped per (sender, message ID).
type rpcTracer struct {
	mu     sync.Mutex
	from   map[peer.ID]int
	topics map[string]bool
	dups   map[string]int
	got    [][]byte         // envelopes delivered
	mesh   map[peer.ID]bool // peers grafted on our mesh
}

func newRPCTracer() *rpcTracer {
	return &rpcTracer{from: map[peer.ID]int{}, topics: map[string]bool{}, dups: map[string]int{}, mesh: map[peer.ID]bool{}}
}

func (r *rpcTracer) RecvRPC(rpc *pubsub.RPC) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.from[rpc.From()]++
	for _, s := range rpc.GetSubscriptions() {
		r.topics[s.GetTopicid()] = true
	}
	for _, m := range rpc.GetPublish() {
		r.topics[m.GetTopic()] = true
	}
	c := rpc.GetControl()
	for _, x := range c.GetIhave() {
		r.topics[x.GetTopicID()] = true
	}
	for _, x := range c.GetGraft() {
		r.topics[x.GetTopicID()] = true
	}
	for _, x := range c.GetPrune() {
		r.topics[x.GetTopicID()] = true
	}
}

func (r *rpcTracer) DuplicateMessage(msg *pubsub.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sum := sha256.Sum256(msg.GetData())
	r.dups[string(msg.ReceivedFrom)+string(sum[:])]++
}

func (r *rpcTracer) sawTopic(topic string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.topics[topic]
}

func (r *rpcTracer) rpcsFrom(p peer.ID) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.from[p]
}

func (r *rpcTracer) duplicates(from peer.ID, data []byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	sum := sha256.Sum256(data)
	return r.dups[string(from)+string(sum[:])]
}

func (r *rpcTracer) AddPeer(peer.ID, protocol.ID) {}

func (r *rpcTracer) RemovePeer(peer.ID) {}
func (r *rpcTracer) Join(string)        {}
func (r *rpcTracer) Leave(string)       {}
func (r *rpcTracer) Graft(p peer.ID, _ string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mesh[p] = true
}

// meshed reports whether every one of ps is on our mesh.
func (r *rpcTracer) meshed(ps ...peer.ID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range ps {
		if !r.mesh[p] {
			return false
		}
	}
	return true
}
func (r *rpcTracer) Prune(peer.ID, string)           {}
func (r *rpcTracer) ValidateMessage(*pubsub.Message) {}
func (r *rpcTracer) DeliverMessage(msg *pubsub.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, msg.GetData())
}

func (r *rpcTracer) delivered() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}
func (r *rpcTracer) RejectMessage(*pubsub.Message, string)                {}
func (r *rpcTracer) ThrottlePeer(peer.ID)                                 {}
func (r *rpcTracer) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (r *rpcTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (r *rpcTracer) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (r *rpcTracer) UndeliverableMessage(*pubsub.Message)                 {}
func (r *rpcTracer) OnNewOutboundStream(peer.ID, protocol.ID)             {}
func (r *rpcTracer) OnClosedOutboundStream(peer.ID)                       {}
func (r *rpcTracer) OnNewIncomingStream(peer.ID, protocol.ID)             {}
func (r *rpcTracer) OnClosedIncomingStream(peer.ID, protocol.ID)          {}

var _ pubsub.RawTracer = (*rpcTracer)(nil)

// gossipRaw is a modified client: plain pubsub with weft's wire options
// that publishes any bytes on a topic it joins without subscribing, so it
// never sees (nor dedups) what others send.
type gossipRaw struct {
	h     host.Host
	ps    *pubsub.PubSub
	topic *pubsub.Topic
}

func startGossipRaw(t *testing.T, id *seal.Identity, topic string, tr pubsub.RawTracer) *gossipRaw {
	t.Helper()
	c := &gossipRaw{h: gossipHost(t, id)}
	opts := []pubsub.Option{pubsub.WithRawTracer(tr)}
	if topic != "" {
		opts = append(opts, pubsub.WithNoAuthor(), pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
			pubsub.WithMessageIdFn(func(m *pb.Message) string { s := sha256.Sum256(m.GetData()); return string(s[:]) }))
	}
	ps, err := pubsub.NewGossipSub(t.Context(), c.h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	c.ps = ps
	if topic == "" { // a non-member: it subscribes to a topic of its own
		sub, err := ps.Subscribe("probe")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sub.Cancel)
		return c
	}
	if c.topic, err = ps.Join(topic); err != nil {
		t.Fatal(err)
	}
	return c
}

// gossipHas reports whether n stores the change hash of doc.
func gossipHas(n *node.Node, doc string, hash [32]byte) bool {
	for _, raw := range node.DocChanges(n, doc) {
		if c, err := wire.ParseChange(raw); err == nil && c.Hash == hash {
			return true
		}
	}
	return false
}

func TestGossip(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	c, _ := initNode(t, "Chen")
	d, _ := initNode(t, "Dara") // a member whose client is modified
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	for _, n := range []*node.Node{b, c, d} {
		joinSpace(t, a, n, sp)
	}
	for _, n := range []*node.Node{b, c, d} {
		exchange(t, a, n, sp) // every member's roster names every member
	}
	keys := must[[]gossip.SpaceKey](t)(node.GossipKeys(a))
	if len(keys) != 1 || keys[0].ID != sp.ID {
		t.Fatalf("gossip keys %+v", keys)
	}
	topic := gossip.TopicName(keys[0].Key)

	ma, mb, mc := startGossipMember(t, a), startGossipMember(t, b), startGossipMember(t, c)
	if name, ok := ma.g.Topic(sp.ID); !ok || name != topic {
		t.Fatalf("a's topic %q, want %q", name, topic)
	}
	dTrace := newRPCTracer()
	md := startGossipRaw(t, node.IdentityOf(d), topic, dTrace)
	eID := must[*seal.Identity](t)(seal.NewIdentity())
	eTrace := newRPCTracer()
	me := startGossipRaw(t, eID, "", eTrace) // a non-member
	gossipConnect(t, ma.h, mb.h, mc.h, md.h)
	gossipConnect(t, mb.h, mc.h, md.h)
	gossipConnect(t, mc.h, md.h)
	gossipConnect(t, me.h, ma.h, mb.h, mc.h)
	members := []*gossipMember{ma, mb, mc}
	for _, m := range members {
		gossipEventually(t, "members see each other on the topic", func() bool { return len(m.g.TopicPeers(sp.ID)) == 2 })
	}
	// GossipSub sends a publication to the publisher's mesh: one made before
	// the mesh forms (late on a busy machine) reaches nobody. Wait until
	// every member has grafted every other.
	for _, m := range members {
		var others []peer.ID
		for _, o := range members {
			if o != m {
				others = append(others, o.h.ID())
			}
		}
		gossipEventually(t, "members meshed with each other", func() bool { return m.tr.meshed(others...) })
	}

	gossipEventually(t, "the modified client sees the members on the topic", func() bool { return len(md.ps.ListPeers(topic)) == 3 })

	var evID, entryID, caseID string
	t.Run("changes reach every member by gossip alone", func(t *testing.T) {
		evID = must[string](t)(a.AddEvent(ctx, sp, "", model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
			Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"}))
		entryID = must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 2500, Currency: "EUR"}))
		body := strings.Repeat("The rent strike held for six weeks. ", 1000)
		caseID = must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"},
			Bodies: map[string]string{"en": body}}))
		if err := a.PublishOutbox(ctx, ma.g); err != nil {
			t.Fatal(err)
		}
		if st := must[node.Status](t)(a.Status(ctx)); st.Unsent != 0 {
			t.Fatalf("%d changes left in the outbox", st.Unsent)
		}
		if got := ma.g.Stats().Published; got != 3 {
			t.Fatalf("published %d envelopes, want 3 (calendar, ledger, case)", got)
		}
		detail := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp))
		docs := []string{detail.Calendars[0].ID, detail.Ledger, caseID}
		for name, n := range map[string]*node.Node{"b": b, "c": c} {
			gossipEventually(t, name+" stores every change of a", func() bool {
				for _, doc := range docs {
					if len(node.DocChanges(n, doc)) != len(node.DocChanges(a, doc)) {
						return false
					}
				}
				return true
			}, ma, mb, mc)
			_ = must[node.CalendarEvent](t)(n.Event(ctx, sp, evID))
			if cs := must[model.CaseStudy](t)(n.Case(ctx, sp, caseID)); cs.Bodies["en"] != body {
				t.Fatalf("%s's case body differs", name)
			}
		}
		ents := must[[]node.LedgerEntry](t)(c.Entries(ctx, sp))
		if len(ents) != 1 || ents[0].ID != entryID || ents[0].RecordedBy != "Amina" {
			t.Fatalf("c's entries %+v, want %s recorded by Amina", ents, entryID)
		}
	})

	t.Run("a non-member learns no topic name", func(t *testing.T) {
		if !mc.tr.sawTopic(topic) {
			t.Fatal("control: c's tracer never saw the topic a member announces")
		}
		if slices.Contains(me.ps.GetTopics(), topic) || len(me.ps.ListPeers(topic)) != 0 {
			t.Fatal("the non-member's pubsub knows the topic")
		}
		if eTrace.sawTopic(topic) {
			t.Fatal("the topic name reached the non-member")
		}
		for _, m := range []*gossipMember{ma, mb, mc} {
			if n := eTrace.rpcsFrom(m.h.ID()); n != 0 {
				t.Fatalf("the non-member received %d pubsub RPCs from a member", n)
			}
			if me.h.Network().Connectedness(m.h.ID()) == 0 {
				t.Fatal("control: the non-member is not connected")
			}
		}
	})

	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	t.Run("a forged attestation is rejected", func(t *testing.T) {
		chunks := node.DocChanges(a, ledger)
		last := must[*wire.Change](t)(wire.ParseChange(chunks[len(chunks)-1]))
		raw := forge(t, chunks, last.Actor, func(d *am.Doc) error { return d.RootMap().Set("currency", "USD") })
		forged := must[*wire.Change](t)(wire.ParseChange(raw))
		att := attest(t, node.IdentityOf(b), sp.ID, ledger, raw) // b signs for a's actor
		env := must[[]byte](t)(gossip.Seal(sp.ID, keys[0].Epoch, keys[0].Key,
			gossip.Batch{Doc: ledger, Type: "ledger", Chunks: [][]byte{raw}, Atts: [][]byte{att}}))
		before := [2]uint64{mb.g.Stats().Rejected, mc.g.Stats().Rejected}
		if err := md.topic.Publish(ctx, env); err != nil {
			t.Fatal(err)
		}
		gossipEventually(t, "b and c reject the forgery", func() bool {
			return mb.g.Stats().Rejected > before[0] && mc.g.Stats().Rejected > before[1]
		}, mb, mc)
		for name, n := range map[string]*node.Node{"a": a, "b": b, "c": c} {
			if gossipHas(n, ledger, forged.Hash) {
				t.Fatalf("%s stored the forged change", name)
			}
		}
	})

	t.Run("a replayed envelope is dropped as seen", func(t *testing.T) {
		got := mc.tr.delivered()
		if len(got) == 0 {
			t.Fatal("c had no envelope delivered")
		}
		env := got[0] // a's, from the first subtest
		validated := mc.g.Stats().Validated
		if err := md.topic.Publish(ctx, env); err != nil {
			t.Fatal(err)
		}
		gossipEventually(t, "c drops the replay as a duplicate", func() bool { return mc.tr.duplicates(md.h.ID(), env) > 0 }, mc)
		if got := mc.g.Stats().Validated; got != validated {
			t.Fatalf("c validated %d more envelopes after the replay", got-validated)
		}
	})

	t.Run("an oversized change is announced, not sent", func(t *testing.T) {
		big := gossip.Batch{Doc: ledger, Type: "ledger", Chunks: [][]byte{make([]byte, gossip.MaxEnvelope)}, Atts: [][]byte{{1}}}
		if err := ma.g.Publish(ctx, sp.ID, big); !errors.Is(err, gossip.ErrTooLarge) {
			t.Fatalf("publish %d bytes: %v, want ErrTooLarge", gossip.MaxEnvelope, err)
		}
		for len(mb.missing) > 0 {
			<-mb.missing
		}
		if err := ma.g.Announce(ctx, sp.ID, ledger, "ledger", [][32]byte{sha256.Sum256([]byte("not held"))}); err != nil {
			t.Fatal(err)
		}
		select {
		case space := <-mb.missing:
			if space != sp.ID {
				t.Fatalf("missing reported for space %s", space)
			}
		case <-time.After(gossipWait):
			t.Fatal("b was not told to pull the announced change")
		}
	})
}
