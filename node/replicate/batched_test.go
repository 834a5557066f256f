package replicate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/weftsync/weft/node/wire"
)

// manyDocsLocal holds n documents of one attested change each, every
// change its own bytes, as a fresh member's responder does.
func manyDocsLocal(n int) *memLocal {
	l := &memLocal{open: true, ops: [][]byte{{1}, {2}}, digest: map[string]DocDigest{}, changes: map[string][]Change{}}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		doc := fmt.Sprintf("doc%04d", i)
		raw := make([]byte, 300+rng.IntN(200))
		for j := range raw {
			raw[j] = byte(j % 7) // compressible, as changes are
		}
		binary.BigEndian.PutUint64(raw, rng.Uint64())
		l.digest[doc] = DocDigest{Type: "case", VV: map[string]uint64{"01": 1}}
		l.changes[doc] = []Change{{Raw: raw, Actor: []byte{1}, Seq: 1, Attestation: []byte{byte(i)}}}
	}
	return l
}

// pullAll pulls everything server holds into a new memLocal, the opener
// and responder speaking what their options say.
func pullAll(t *testing.T, server *memLocal, opener, responder Options) (Report, *memLocal) {
	t.Helper()
	a, b := pair(t)
	sb := New(b, server, responder)
	defer sb.Close()
	client := &memLocal{open: true, digest: map[string]DocDigest{}}
	sa := New(a, client, opener)
	defer sa.Close()
	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	return rep, client
}

// TestBatchedPull: between two current peers the answer's small frames of
// changes share messages (ProtocolBatched): the same frames, counted the
// same, ingested in the same order as over ProtocolID, in far fewer bytes;
// and a current peer pulls from, and serves, a peer that speaks
// ProtocolID alone.
func TestBatchedPull(t *testing.T) {
	const docs = 300
	server := manyDocsLocal(docs)
	one, oneClient := pullAll(t, server, Options{Unbatched: true}, Options{Unbatched: true})
	cases := []struct {
		name              string
		opener, responder Options
		batched           bool
	}{
		{"both current", Options{}, Options{}, true},
		{"an older responder", Options{}, Options{Unbatched: true}, false},
		{"an older opener", Options{Unbatched: true}, Options{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, client := pullAll(t, server, c.opener, c.responder)
			if rep.Frames != 1+docs || rep.Received() != docs || one.Frames != rep.Frames {
				t.Fatalf("%d frames, %d changes; want %d and %d (over ProtocolID %d frames)", rep.Frames, rep.Received(), 1+docs, docs, one.Frames)
			}
			if len(client.ingested) != len(oneClient.ingested) {
				t.Fatalf("ingested %d chunks, over ProtocolID %d", len(client.ingested), len(oneClient.ingested))
			}
			for i := range client.ingested {
				if !bytes.Equal(client.ingested[i], oneClient.ingested[i]) {
					t.Fatalf("chunk %d differs from what ProtocolID delivered", i)
				}
			}
			// Each message of one frame pays zstd's frame and table
			// descriptions; a batch pays them once.
			if c.batched && rep.BytesIn*10 > one.BytesIn*7 {
				t.Fatalf("batched answer of %d bytes, over ProtocolID %d: not batched", rep.BytesIn, one.BytesIn)
			}
			if !c.batched && rep.BytesIn != one.BytesIn {
				t.Fatalf("answer over ProtocolID of %d bytes, before %d", rep.BytesIn, one.BytesIn)
			}
			t.Logf("%d bytes in (one frame a message: %d)", rep.BytesIn, one.BytesIn)
		})
	}
}

// TestBatchedLargeFramesAlone: a frame whose CBOR is over batchFrameRaw goes in
// a message of its own, as over ProtocolID, and the frames before it are
// written first.
func TestBatchedLargeFramesAlone(t *testing.T) {
	server := manyDocsLocal(20)
	big := serverLocal().changes["doc1"] // 40 changes of 1,000 bytes
	server.digest["doc0010"] = DocDigest{Type: "ledger", VV: map[string]uint64{"01": 40}}
	server.changes["doc0010"] = big
	one, oneClient := pullAll(t, server, Options{Unbatched: true}, Options{Unbatched: true})
	rep, client := pullAll(t, server, Options{}, Options{})
	if rep.Frames != one.Frames || rep.Received() != 19+40 || len(client.ingested) != len(oneClient.ingested) {
		t.Fatalf("batched %+v, one a message %+v", rep, one)
	}
	for i := range client.ingested {
		if !bytes.Equal(client.ingested[i], oneClient.ingested[i]) {
			t.Fatalf("chunk %d differs from what ProtocolID delivered", i)
		}
	}
	t.Run("the small frames of a document that needs several", func(t *testing.T) {
		// Frames of 3 changes, under batchFrameRaw: one a message still.
		one, _ := pullAll(t, serverLocal(), Options{Unbatched: true}, Options{Unbatched: true, FrameBudget: 4000})
		rep, _ := pullAll(t, serverLocal(), Options{}, Options{FrameBudget: 4000})
		if rep.Frames != one.Frames || rep.BytesIn != one.BytesIn {
			t.Fatalf("%d frames in %d bytes, over ProtocolID %d in %d", rep.Frames, rep.BytesIn, one.Frames, one.BytesIn)
		}
	})
}

// TestBatchedServeQuota: the serve quota of bytes counts batched messages
// whole: past it the answer ends busy, after whole messages.
func TestBatchedServeQuota(t *testing.T) {
	a, b := pair(t)
	server := manyDocsLocal(400)
	sb := New(b, server, Options{Quota: Quota{ServeBytes: 1, ServeBytesBurst: 4000}})
	defer sb.Close()
	client := &memLocal{open: true, digest: map[string]DocDigest{}}
	sa := New(a, client, Options{})
	defer sa.Close()
	rep, err := sa.Pull(t.Context(), b.ID())
	if !errors.Is(err, ErrBusy) || rep.Complete {
		t.Fatalf("pull past the byte quota: %v, complete %v; want ErrBusy", err, rep.Complete)
	}
	if got := len(client.ingested); got == 0 || got >= 400 || got%batchFrames != 0 {
		t.Fatalf("ingested %d changes, want some whole batches of %d, not all 400", got, batchFrames)
	}
}

// batchMessage returns the body of a ProtocolBatched message carrying
// frames (put in their wire form unchecked, as a modified peer could).
func batchMessage(t *testing.T, frames ...any) []byte {
	t.Helper()
	var raw []byte
	for _, f := range frames {
		b, err := marshalMessage(f)
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	return zenc.EncodeAll(raw, nil)
}

// expanding returns the packed changes of n change-form chunks, each
// depending on the chunk before it wire.MaxDeps times over: about 8 KiB
// rebuilt from each record of about 260 bytes.
func expanding(t *testing.T, n int) *packedChanges {
	t.Helper()
	v1 := unhex(t, hexV1)[0]
	h, _, err := splitChange(v1)
	if err != nil {
		t.Fatal(err)
	}
	heads := []byte{formChange, 0, 0, 16} // no deps, a new actor of 16 bytes
	heads = append(heads, h.actor...)
	heads = append(heads, 0, 2, 0) // seq 1, startOp 1, time 0
	bodies := [][]byte{h.rest}
	for i := 1; i < n; i++ {
		heads = append(heads, formChange)
		heads = binary.AppendUvarint(heads, wire.MaxDeps)
		for range wire.MaxDeps {
			heads = append(heads, 1)
		}
		heads = append(heads, 1, 0, 2, 0)
		bodies = append(bodies, h.rest)
	}
	r := strict{b: heads}
	var table [][]byte
	hashes, formed, last := make([][32]byte, n), make([]bool, n), map[string]prev{}
	digest := sha256.New()
	for i := range bodies {
		r.byte()
		var ch changeHeader
		if err := readRecord(&r, i, bodies[i], hashes, formed, &table, last, &ch); err != nil {
			t.Fatal(err)
		}
		_, hashes[i] = buildChunk(&ch)
		formed[i] = true
		digest.Write(hashes[i][:])
	}
	return &packedChanges{Heads: heads, Bodies: bodies, Digest: digest.Sum(nil)[:digestSize]}
}

// TestDecodeFramesRefuses: what a ProtocolBatched message may not be.
func TestDecodeFramesRefuses(t *testing.T) {
	changes := func(doc string) *Frame {
		f := sampleFrame()
		f.Doc = doc
		return f
	}
	end := &Frame{Version: Version, Kind: KindEnd, Summary: &Summary{Frames: 1}}
	ops := &Frame{Version: Version, Kind: KindOps, Space: "space1", Ops: [][]byte{{1}}}
	many := make([]any, maxMessageFrames+1)
	for i := range many {
		many[i] = changes(fmt.Sprint("doc", i))
	}
	// Two frames that each rebuild to about 5 MiB, 10 in all.
	half := (MaxDecompressed / 2 * 5 / 4) / (wire.MaxDeps * 32)
	bigA := &wireFrame{Version: Version, Kind: KindChanges, Space: "space1", Doc: "a", Type: "case", Changes: expanding(t, half)}
	bigB := &wireFrame{Version: Version, Kind: KindChanges, Space: "space1", Doc: "b", Type: "case", Changes: expanding(t, half)}
	if _, _, err := decodeFrames(batchMessage(t, bigA), true); err != nil {
		t.Fatalf("one frame rebuilding to about 5 MiB: %v", err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	large := make([]any, 6) // 1.2 MiB that zstd cannot shrink
	for i := range large {
		chunk := make([]byte, 200<<10)
		for j := range chunk {
			chunk[j] = byte(rng.Uint32())
		}
		f := changes(fmt.Sprint("doc", i))
		f.Chunks = [][]byte{chunk}
		large[i] = f
	}
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"no frame", zenc.EncodeAll(nil, nil), ErrMalformed},
		{"an end frame among frames of changes", batchMessage(t, changes("a"), end), ErrMalformed},
		{"membership operations among frames of changes", batchMessage(t, ops, changes("a")), ErrMalformed},
		{"bytes after the last frame", zenc.EncodeAll(append(mustRaw(t, changes("a")), 0x82, 1), nil), ErrMalformed},
		{"a frame of another version", batchMessage(t, changes("a"), &Frame{Version: 9, Kind: KindChanges, Space: "space1", Doc: "b", Type: "case", Chunks: [][]byte{{1}}}), ErrMalformed},
		{"a frame that fails its checks", batchMessage(t, changes("a"), changes("")), ErrMalformed},
		{"too many frames", batchMessage(t, many...), ErrMalformed},
		{"over MaxFrame compressed", batchMessage(t, large...), ErrTooLarge},
		{"chunks rebuilding to over MaxDecompressed together", batchMessage(t, bigA, bigB), ErrTooLarge},
		{"not a zstd frame", []byte{1, 2, 3, 4, 5}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames, _, err := decodeFrames(tt.body, true)
			if !errors.Is(err, tt.want) {
				t.Fatalf("decode: %d frames, %v; want %v", len(frames), err, tt.want)
			}
		})
	}
	t.Run("several frames over ProtocolID", func(t *testing.T) {
		if _, _, err := decodeFrames(batchMessage(t, changes("a"), changes("b")), false); !errors.Is(err, ErrMalformed) {
			t.Fatalf("two frames in one message of ProtocolID: %v, want ErrMalformed", err)
		}
	})
	t.Run("sizes add up", func(t *testing.T) {
		body := batchMessage(t, changes("a"), changes("bb"), changes("ccc"))
		frames, sizes, err := decodeFrames(body, true)
		if err != nil || len(frames) != 3 {
			t.Fatalf("%d frames, %v", len(frames), err)
		}
		var sum int64
		for i, s := range sizes {
			if s <= 0 {
				t.Fatalf("frame %d counted %d bytes", i, s)
			}
			sum += s
		}
		if sum != int64(lengthSize+len(body)) || frames[2].Doc != "ccc" {
			t.Fatalf("sizes %v add to %d, want %d; third frame %q", sizes, sum, lengthSize+len(body), frames[2].Doc)
		}
	})
}

func mustRaw(t *testing.T, f *Frame) []byte {
	t.Helper()
	b, err := marshalMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPullFromHostileBatchedResponder: a responder on ProtocolBatched
// whose message breaks the format fails the pull before anything of that
// message is ingested.
func TestPullFromHostileBatchedResponder(t *testing.T) {
	f := sampleFrame()
	f.Space = testSpace
	g := sampleFrame()
	g.Space, g.Doc = testSpace, "doc2"
	end := &Frame{Version: Version, Kind: KindEnd, Summary: &Summary{Frames: 2, Changes: 4}}
	for name, msg := range map[string][]any{
		"an end frame in the batch": {f, g, end},
		"a bad frame after good":    {f, g, &Frame{Version: Version, Kind: KindChanges, Space: testSpace, Doc: "doc3", Type: "case", Chunks: [][]byte{{}}}},
	} {
		t.Run(name, func(t *testing.T) {
			a, b := pair(t)
			b.SetStreamHandler(ProtocolBatched, func(st network.Stream) {
				defer st.Close()
				c := &conn{s: st, idle: time.Second}
				if _, err := c.readBody(MaxFrame); err != nil {
					return
				}
				body := batchMessage(t, msg...)
				st.Write(binary.BigEndian.AppendUint32(nil, uint32(len(body))))
				st.Write(body)
			})
			client := &memLocal{open: true, digest: map[string]DocDigest{}}
			sa := New(a, client, Options{Idle: 300 * time.Millisecond})
			defer sa.Close()
			rep, err := sa.Pull(t.Context(), b.ID())
			if !errors.Is(err, ErrMalformed) || rep.Complete || len(client.ingested) != 0 {
				t.Fatalf("pull: %v, complete %v, ingested %d; want ErrMalformed and nothing", err, rep.Complete, len(client.ingested))
			}
		})
	}
}

// BenchmarkSmallFrames compresses the frames of 1,000 small documents
// (dictionary samples, each change its own bytes) one a message, as over
// ProtocolID, and batched as the responder batches them over
// ProtocolBatched: CPU per document and bytes per document.
func BenchmarkSmallFrames(b *testing.B) {
	sample := unhex(b, dictSamples[0]...)[0]
	rng := rand.New(rand.NewPCG(5, 6))
	var raws [][]byte
	for i := range 1000 {
		c := bytes.Clone(sample)
		for j := 40; j < 56 && j < len(c); j++ {
			c[j] = byte(rng.Uint32())
		}
		f := &Frame{Version: Version, Kind: KindChanges, Space: "spacespacespacespace01", Doc: fmt.Sprintf("doc%020d", i),
			Type: "case", Chunks: [][]byte{c}, Atts: [][]byte{make([]byte, 128)}}
		raw, err := marshalMessage(f)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
	}
	b.Run("alone", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n = 0
			for _, raw := range raws {
				n += len(compressMessage(raw))
			}
		}
		b.ReportMetric(float64(n)/float64(len(raws)), "B/doc")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(raws)), "ns/doc")
	})
	b.Run("batched", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n = 0
			var batch []byte
			frames := 0
			for _, raw := range raws {
				if frames > 0 && (len(batch)+len(raw) > batchRaw || frames >= batchFrames) {
					n += len(compressMessage(batch))
					batch, frames = batch[:0], 0
				}
				batch = append(batch, raw...)
				frames++
			}
			n += len(compressMessage(batch))
		}
		b.ReportMetric(float64(n)/float64(len(raws)), "B/doc")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(raws)), "ns/doc")
	})
}
