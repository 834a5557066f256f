package node_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// hostileClient is a modified weft client that lives only in tests: an
// admitted member (real identity, real space key) on a real libp2p host
// on 127.0.0.1 that answers /weft/sync/2 pulls with whatever answer
// returns and publishes any sealed envelope on the space's topic. It runs
// none of weft's checks on what it sends.
type hostileClient struct {
	n     *node.Node
	id    *seal.Identity
	key   gossip.SpaceKey
	h     host.Host
	ps    *pubsub.PubSub
	topic *pubsub.Topic

	mu     sync.Mutex
	answer func(req *replicate.Request) iter.Seq[[]byte] // messages to write, length prefix included
	// answerPeer, when set, answers in answer's place, told who pulls.
	answerPeer func(p peer.ID, req *replicate.Request) iter.Seq[[]byte]
	served     atomic.Int64 // pulls answered
	wrote      atomic.Int64 // messages written
}

// startHostile starts the modified client of member n of space.
func startHostile(t *testing.T, n *node.Node, space string) *hostileClient {
	t.Helper()
	keys := must[[]gossip.SpaceKey](t)(node.GossipKeys(n))
	i := slices.IndexFunc(keys, func(k gossip.SpaceKey) bool { return k.ID == space })
	if i < 0 {
		t.Fatalf("the hostile member holds no key for space %s", space)
	}
	hc := &hostileClient{n: n, id: node.IdentityOf(n), key: keys[i]}
	hc.h = gossipHost(t, hc.id)
	ps, err := pubsub.NewGossipSub(t.Context(), hc.h, pubsub.WithNoAuthor(),
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
		pubsub.WithMessageIdFn(func(m *pb.Message) string { s := sha256.Sum256(m.GetData()); return string(s[:]) }))
	if err != nil {
		t.Fatal(err)
	}
	hc.ps = ps
	if hc.topic, err = ps.Join(gossip.TopicName(hc.key.Key)); err != nil {
		t.Fatal(err)
	}
	hc.h.SetStreamHandler(replicate.ProtocolID, hc.serve)
	return hc
}

// setAnswer sets what the client answers to the next pulls.
func (hc *hostileClient) setAnswer(fn func(req *replicate.Request) iter.Seq[[]byte]) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	hc.answer = fn
}

// setAnswerPeer sets what the client answers each puller from now on.
func (hc *hostileClient) setAnswerPeer(fn func(p peer.ID, req *replicate.Request) iter.Seq[[]byte]) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	hc.answerPeer = fn
}

// serve answers one pull as the test said, without a check.
func (hc *hostileClient) serve(st network.Stream) {
	defer st.Close()
	var hdr [4]byte
	if _, err := io.ReadFull(st, hdr[:]); err != nil {
		st.Reset()
		return
	}
	body := make([]byte, min(binary.BigEndian.Uint32(hdr[:]), replicate.MaxFrame))
	if _, err := io.ReadFull(st, body); err != nil {
		st.Reset()
		return
	}
	req, err := replicate.DecodeRequest(body)
	hc.mu.Lock()
	answer := hc.answer
	if ap := hc.answerPeer; ap != nil {
		from := st.Conn().RemotePeer()
		answer = func(req *replicate.Request) iter.Seq[[]byte] { return ap(from, req) }
	}
	hc.mu.Unlock()
	if err != nil || answer == nil {
		st.Reset()
		return
	}
	hc.served.Add(1)
	for msg := range answer(req) {
		if _, err := st.Write(msg); err != nil {
			st.Reset()
			return
		}
		hc.wrote.Add(1)
	}
	st.CloseWrite()
}

// publish seals b with the space key and publishes it; it returns the
// envelope, to replay.
func (hc *hostileClient) publish(t *testing.T, b gossip.Batch) []byte {
	t.Helper()
	env, err := gossip.Seal(hc.key.ID, hc.key.Epoch, hc.key.Key, b)
	if err != nil {
		t.Fatal(err)
	}
	hc.publishRaw(t, env)
	return env
}

// publishRaw publishes env as it is.
func (hc *hostileClient) publishRaw(t *testing.T, env []byte) {
	t.Helper()
	if err := hc.topic.Publish(t.Context(), env); err != nil {
		t.Fatalf("hostile publish: %v", err)
	}
}

// connect connects the client's host to n.
func (hc *hostileClient) connect(t *testing.T, n *node.Node) error {
	t.Helper()
	addrs := n.Addrs()
	if len(addrs) == 0 {
		t.Fatalf("%s does not listen", n.Name())
	}
	info, err := peer.AddrInfoFromString(addrs[0])
	if err != nil {
		t.Fatal(err)
	}
	return hc.h.Connect(t.Context(), *info)
}

// changesFrame is a frame of changes as the client sends it, unchecked
// beyond what encoding needs.
func changesFrame(t *testing.T, space, doc, typ string, chunks, atts [][]byte) []byte {
	t.Helper()
	b, err := replicate.EncodeFrame(&replicate.Frame{Version: replicate.Version, Kind: replicate.KindChanges,
		Space: space, Doc: doc, Type: typ, Chunks: chunks, Atts: atts})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// endFrame is the end of an answer whose counts agree with frames.
func endFrame(t *testing.T, frames, changes int) []byte {
	t.Helper()
	b, err := replicate.EncodeFrame(&replicate.Frame{Version: replicate.Version, Kind: replicate.KindEnd,
		Summary: &replicate.Summary{Spaces: 1, Frames: uint64(frames), Changes: uint64(changes)}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// answerFrames answers every pull with frames (each a changesFrame with
// its number of chunks) and an end frame that agrees with them.
func answerFrames(t *testing.T, frames [][]byte, chunks int) func(*replicate.Request) iter.Seq[[]byte] {
	end := endFrame(t, len(frames), chunks)
	return func(*replicate.Request) iter.Seq[[]byte] {
		return func(yield func([]byte) bool) {
			for _, f := range frames {
				if !yield(f) {
					return
				}
			}
			yield(end)
		}
	}
}

// chunkOf frames a change body as a chunk of type typ with a valid
// checksum (the SHA-256 of type, length and body).
func chunkOf(typ byte, body []byte) []byte {
	head := slices.Concat([]byte{typ}, uleb(uint64(len(body))))
	sum := sha256.Sum256(slices.Concat(head, body))
	return slices.Concat([]byte{0x85, 0x6f, 0x4a, 0x83}, sum[:4], head, body)
}

// Change bodies from notes/automerge-chunk-format.md (M3 and its valid
// twin, section 14), with the actor and startOp put in: a one-op change
// setting root "a" = uint 7, and the fuzz-found crash (pred actor index 5
// where the change names one actor: automerge 0.5.0 aborts the process in
// LoadIncremental, automerge.rs:776).
func oneOpBody(actor []byte, startOp uint64, cols string) []byte {
	return slices.Concat([]byte{0x00}, uleb(uint64(len(actor))), actor, []byte{0x01}, uleb(startOp),
		[]byte{0x00, 0x00, 0x00}, mustHex(cols))
}

const (
	validCols = "061503340142025602570170027f0161017f017f13077f00"
	m3Cols    = "08150334014202560257017002710273027f0161017f017f13077f017f057f01"
	// keyCtrCols: an insert after the element whose key counter is 2^33
	// (the core aborts with TryFromIntError, types.rs:503): key actor,
	// key counter (delta), insert, action, value meta, value, pred count.
	keyCtrCols = "07" + "1102" + "1306" + "3402" + "4202" + "5602" + "5701" + "7002" +
		"7f00" + "7f8080808020" + "0001" + "7f01" + "7f13" + "07" + "7f00"
)

// crashChunks are the crafted change chunks the notes found crashing or
// poisoning automerge 0.5.0, each with a valid checksum, each under a
// fresh actor of id (so that their attestations do not prove
// equivocation: the chunks themselves must be refused).
func crashChunks(id *seal.Identity) map[string][]byte {
	actor := func() []byte { return seal.NewActor(id.Public) }
	return map[string][]byte{
		"pred actor index out of range (abort)": chunkOf(1, oneOpBody(actor(), 1, m3Cols)),
		"key counter 2^33 (abort)":              chunkOf(1, oneOpBody(actor(), 1, keyCtrCols)),
		"startOp 2^32-1 (abort)":                chunkOf(1, oneOpBody(actor(), 1<<32-1, validCols)),
		"startOp 2^32-2 (poison)":               chunkOf(1, oneOpBody(actor(), 1<<32-2, validCols)),
		"compressed chunk":                      chunkOf(2, oneOpBody(actor(), 1, validCols)),
		"document chunk":                        chunkOf(0, oneOpBody(actor(), 1, validCols)),
	}
}

// attestRaw signs, as id, seq 1 of the actor named in raw's header and the
// hash of raw, whatever raw holds.
func attestRaw(id *seal.Identity, space, doc string, raw []byte) []byte {
	_, n := uvarint(raw[9:])
	body := raw[9+n:]
	actor := body[2 : 2+int(body[1])] // no deps; a one-byte actor length
	return seal.Attest(id, space, doc, actor, 1, sha256.Sum256(raw[8:])).Marshal()
}

// setSeq re-encodes a change with another seq and a valid checksum.
func setSeq(t *testing.T, raw []byte, seq uint64) []byte {
	t.Helper()
	c, err := wire.ParseChange(raw)
	if err != nil {
		t.Fatal(err)
	}
	_, n := uvarint(raw[9:])
	body := raw[9+n:]
	off := len(uleb(uint64(len(c.Deps)))) + 32*len(c.Deps) + len(uleb(uint64(len(c.Actor)))) + len(c.Actor)
	return chunkOf(1, slices.Concat(body[:off], uleb(seq), body[off+len(uleb(c.Seq)):]))
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
