package replicate

import (
	"errors"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"
	msmux "github.com/multiformats/go-multistream"
)

// oldProtocol is the protocol of message format 1.
const oldProtocol = protocol.ID("/weft/sync/1")

// TestOlderResponder: pulling from a peer that speaks only /weft/sync/1
// fails with ErrOlderPeer, saying what to do, and no frame is read.
func TestOlderResponder(t *testing.T) {
	a, b := pair(t)
	served := make(chan struct{}, 1)
	b.SetStreamHandler(oldProtocol, func(st network.Stream) {
		served <- struct{}{}
		st.Reset()
	})
	client := &memLocal{open: true, digest: map[string]DocDigest{}}
	sa := New(a, client, Options{})
	defer sa.Close()
	rep, err := sa.Pull(t.Context(), b.ID())
	if !errors.Is(err, ErrOlderPeer) || !strings.Contains(err.Error(), "upgrade weft") {
		t.Fatalf("pull from a format 1 peer: %v, want ErrOlderPeer", err)
	}
	if rep.Frames != 0 || len(client.ingested) != 0 || len(served) != 0 {
		t.Fatalf("frames %d, ingested %d, old handler ran %d times: want nothing exchanged", rep.Frames, len(client.ingested), len(served))
	}
}

// TestOlderOpener: a peer that opens /weft/sync/1 on a node of this format
// fails to negotiate the protocol: it gets a clear refusal, never a frame
// it would misread.
func TestOlderOpener(t *testing.T) {
	a, b := pair(t)
	sb := New(b, serverLocal(), Options{})
	defer sb.Close()
	st, err := a.NewStream(t.Context(), b.ID(), oldProtocol)
	if err == nil {
		st.Reset()
		t.Fatal("a /weft/sync/1 stream opened on a /weft/sync/2 node")
	}
	if !errors.Is(err, msmux.ErrNotSupported[protocol.ID]{}) {
		t.Fatalf("opening /weft/sync/1: %v, want a protocol negotiation refusal", err)
	}
}
