package replicate

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// memLocal is a Local in memory: one space, whose every peer is a member
// when open is set.
type memLocal struct {
	mu       sync.Mutex
	open     bool
	proofs   [][][]byte // every proof TakeProof was given
	ops      [][]byte
	digest   map[string]DocDigest
	changes  map[string][]Change
	added    [][]byte
	ingested [][]byte // every chunk received
}

const testSpace = "space1"

func (l *memLocal) Spaces(context.Context, ed25519.PublicKey) ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open {
		return []string{testSpace}, nil
	}
	return nil, nil
}
func (l *memLocal) OpHeads(context.Context, string) ([][32]byte, error) { return nil, nil }
func (l *memLocal) OpsSince(context.Context, string, [][32]byte) ([][]byte, error) {
	return l.ops, nil
}
func (l *memLocal) AddOps(_ context.Context, _ string, ops [][]byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.added = append(l.added, ops...)
	return nil
}

// TakeProof admits the opener when the proof holds the operation
// "admit".
func (l *memLocal) TakeProof(_ context.Context, _ string, _ ed25519.PublicKey, ops [][]byte) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.proofs = append(l.proofs, ops)
	if slices.ContainsFunc(ops, func(op []byte) bool { return string(op) == "admit" }) {
		l.open = true
	}
	return l.open, nil
}
func (l *memLocal) Digest(context.Context, string) (map[string]DocDigest, error) {
	return l.digest, nil
}
func (l *memLocal) Missing(_ context.Context, _, doc string, vv map[string]uint64) ([]Change, error) {
	var out []Change
	for _, c := range l.changes[doc] {
		if c.Seq > vv["01"] {
			out = append(out, c)
		}
	}
	return out, nil
}
func (l *memLocal) Ingest(_ context.Context, _, _, _ string, chunks, _ [][]byte) (Ingested, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ingested = append(l.ingested, chunks...)
	return Ingested{Stored: len(chunks)}, nil
}

// newHost starts a libp2p host on 127.0.0.1.
func newHost(t *testing.T) host.Host {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// pair returns an opener host and a responder host, connected.
func pair(t *testing.T) (host.Host, host.Host) {
	a, b := newHost(t), newHost(t)
	if err := a.Connect(t.Context(), peer.AddrInfo{ID: b.ID(), Addrs: b.Addrs()}); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// serverLocal holds 40 changes of one actor, all attested, and two ops.
func serverLocal() *memLocal {
	l := &memLocal{open: true, ops: [][]byte{{1}, {2}}, digest: map[string]DocDigest{"doc1": {Type: "ledger", VV: map[string]uint64{"01": 40}}},
		changes: map[string][]Change{}}
	for s := uint64(1); s <= 40; s++ {
		l.changes["doc1"] = append(l.changes["doc1"], Change{Raw: make([]byte, 1000), Actor: []byte{1}, Seq: s, Attestation: []byte{byte(s)}})
	}
	return l
}

func TestPull(t *testing.T) {
	a, b := pair(t)
	server := serverLocal()
	sb := New(b, server, Options{FrameBudget: 4000})
	defer sb.Close()
	client := &memLocal{open: true, digest: map[string]DocDigest{}}
	sa := New(a, client, Options{})
	defer sa.Close()
	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Complete || rep.Received() != 40 || len(client.ingested) != 40 || len(client.added) != 2 || rep.Frames != 1+14 { // an ops frame, then 3 changes of 1,001 bytes per 4,000
		t.Fatalf("report %+v; ingested %d, ops %d", rep, len(client.ingested), len(client.added))
	}
	t.Run("a closed member learns nothing", func(t *testing.T) {
		server.open = false
		rep, err := sa.Pull(t.Context(), b.ID())
		if err != nil || rep.Frames != 0 || rep.Received() != 0 || !rep.Complete {
			t.Fatalf("%v, %+v", err, rep)
		}
	})
}

// hostile registers a responder that reads the request and then runs
// answer on the stream.
func hostile(t *testing.T, h host.Host, answer func(st network.Stream)) {
	h.SetStreamHandler(ProtocolID, func(st network.Stream) {
		defer st.Close()
		var hdr [lengthSize]byte
		if _, err := io.ReadFull(st, hdr[:]); err != nil {
			return
		}
		if _, err := io.ReadFull(st, make([]byte, binary.BigEndian.Uint32(hdr[:]))); err != nil {
			return
		}
		answer(st)
	})
}

// writeFrames writes frames as a modified responder could.
func writeFrames(st network.Stream, frames ...*Frame) {
	for _, f := range frames {
		b, _ := encode(f)
		st.Write(b)
	}
}

func TestPullFromHostileResponder(t *testing.T) {
	end := func(s Summary) *Frame { return &Frame{Version: Version, Kind: KindEnd, Summary: &s} }
	changes := sampleFrame()
	changes.Space = testSpace
	tests := []struct {
		name   string
		answer func(st network.Stream)
		want   error
	}{
		{"garbage", func(st network.Stream) { st.Write([]byte{0, 0, 0, 5, 1, 2, 3, 4, 5}) }, ErrMalformed},
		{"length over the limit", func(st network.Stream) { st.Write([]byte{0xff, 0xff, 0xff, 0xff}) }, ErrTooLarge},
		{"empty message", func(st network.Stream) { st.Write([]byte{0, 0, 0, 0}) }, ErrMalformed},
		{"a space not asked for", func(st network.Stream) {
			f := sampleFrame()
			f.Space = "elsewhere"
			writeFrames(st, f, end(Summary{Frames: 1, Changes: 2}))
		}, ErrProtocol},
		{"a summary that disagrees", func(st network.Stream) { writeFrames(st, changes, end(Summary{Frames: 5})) }, ErrProtocol},
		{"busy", func(st network.Stream) { writeFrames(st, end(Summary{Busy: true})) }, ErrBusy},
		{"cut before the end", func(st network.Stream) { writeFrames(st, changes) }, ErrIncomplete},
		{"silent", func(st network.Stream) { io.Copy(io.Discard, st) }, ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := pair(t)
			hostile(t, b, tt.answer)
			client := &memLocal{open: true, digest: map[string]DocDigest{}}
			sa := New(a, client, Options{Idle: 300 * time.Millisecond})
			defer sa.Close()
			rep, err := sa.Pull(t.Context(), b.ID())
			if !errors.Is(err, tt.want) || rep.Complete {
				t.Fatalf("pull: %v (want %v), report %+v", err, tt.want, rep)
			}
			for _, c := range client.ingested {
				if len(c) == 0 {
					t.Fatal("ingested an empty chunk")
				}
			}
			if tt.want != ErrIncomplete && tt.want != ErrProtocol && len(client.ingested) != 0 {
				t.Fatalf("ingested %d chunks from a bad answer", len(client.ingested))
			}
		})
	}
}

func TestServeRefusesBadRequests(t *testing.T) {
	tests := []struct {
		name string
		req  []byte
	}{
		{"garbage", []byte{0, 0, 0, 3, 1, 2, 3}},
		{"over the limit", []byte{0x7f, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := pair(t)
			sb := New(b, serverLocal(), Options{})
			defer sb.Close()
			st, err := a.NewStream(t.Context(), b.ID(), ProtocolID)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			st.Write(tt.req)
			st.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, err := io.ReadFull(st, make([]byte, lengthSize))
			if n != 0 || err == nil || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("answer to a bad request: %d bytes, %v", n, err)
			}
		})
	}
}

func TestClose(t *testing.T) {
	a, b := pair(t)
	sb := New(b, serverLocal(), Options{})
	sa := New(a, &memLocal{open: true, digest: map[string]DocDigest{}}, Options{})
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := sa.Pull(t.Context(), b.ID()); err == nil {
		t.Fatal("pull from a closed syncer succeeded")
	}
	sa.Close()
	if _, err := sa.Pull(t.Context(), b.ID()); !errors.Is(err, ErrClosed) {
		t.Fatalf("pull on a closed syncer: %v", err)
	}
}
