package replicate

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
)

// forkLocal is a memLocal that implements Forks over a table of hashes
// by (doc, hex actor, seq), and records what evidence it was asked for.
type forkLocal struct {
	*memLocal
	hashes map[string][32]byte // "doc actor seq" -> hash
	cuts   map[string]map[string]uint64
	mu     sync.Mutex
	asked  []string // "doc actor" of each forked actor evidence was asked for
}

func (l *forkLocal) Tips(_ context.Context, _ string, at map[string]map[string]uint64) (ForkState, error) {
	fs := ForkState{Hashes: map[string]map[string][32]byte{}, Cuts: l.cuts}
	for doc, clocks := range at {
		for a, seq := range clocks {
			if h, ok := l.hashes[fmt.Sprint(doc, " ", a, " ", seq)]; ok {
				if fs.Hashes[doc] == nil {
					fs.Hashes[doc] = map[string][32]byte{}
				}
				fs.Hashes[doc][a] = h
			}
		}
	}
	return fs, nil
}

func (l *forkLocal) Evidence(_ context.Context, _, doc string, _ map[string]uint64, forked []string) ([]EvidencePart, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(forked) == 0 {
		l.asked = append(l.asked, doc+" proof")
	}
	for _, a := range forked {
		l.asked = append(l.asked, doc+" "+a)
	}
	return []EvidencePart{{Chunks: [][]byte{[]byte("evidence of " + doc)}}}, nil
}

// forkPair is two forkLocals holding the same three documents (one, two
// and three actors: the tags of an odd count of clocks share a byte).
func forkPair() (*forkLocal, *forkLocal) {
	mk := func() *forkLocal {
		l := &forkLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}},
			hashes: map[string][32]byte{}}
		for i, doc := range []string{"d1", "d2", "d3"} {
			vv := map[string]uint64{}
			for a := range i + 1 {
				actor := fmt.Sprintf("0%d", a+1)
				vv[actor] = uint64(3 + a)
				l.hashes[fmt.Sprint(doc, " ", actor, " ", 3+a)] = sha256.Sum256([]byte(doc + actor))
			}
			l.digest[doc] = DocDigest{Type: "ledger", VV: vv}
		}
		return l
	}
	return mk(), mk()
}

// TestTagsFindAFork: equal vectors over equal changes send no evidence;
// equal vectors over a different change of one actor make the responder
// send evidence for exactly that document and actor, within a few pulls
// (a 4-bit tag misses with probability 1/16 per pull).
func TestTagsFindAFork(t *testing.T) {
	a, b := pair(t)
	client, server := forkPair()
	sb := New(b, server, Options{})
	defer sb.Close()
	sa := New(a, client, Options{})
	defer sa.Close()
	pullsInStep(t, sa, b.ID(), server)
	server.hashes["d3 02 4"] = sha256.Sum256([]byte("the other half"))
	pullUntilAsked(t, sa, b.ID(), server, func(rep Report) {
		if rep.Frames != 1 || len(client.ingested) != 1 {
			t.Fatalf("evidence sent in %d frames, %d chunks ingested", rep.Frames, len(client.ingested))
		}
	})
	if !slices.Equal(server.asked, []string{"d3 02"}) {
		t.Fatalf("evidence asked for %v, want d3 02", server.asked)
	}
}

// pullsInStep pulls from p ten times and checks each pull found nothing
// to send and asked server for no evidence.
func pullsInStep(t *testing.T, sa *Syncer, p peer.ID, server *forkLocal) {
	t.Helper()
	for range 10 {
		rep, err := sa.Pull(t.Context(), p)
		if err != nil || rep.Frames != 0 || len(server.asked) != 0 {
			t.Fatalf("in step: %v, %+v, evidence for %v", err, rep, server.asked)
		}
	}
}

// pullUntilAsked pulls from p until server is asked for evidence, 20
// pulls at most, and hands the pull that asked to found.
func pullUntilAsked(t *testing.T, sa *Syncer, p peer.ID, server *forkLocal, found func(Report)) {
	t.Helper()
	for i := 0; len(server.asked) == 0; i++ {
		if i == 20 {
			t.Fatal("20 pulls and the fork was never found")
		}
		rep, err := sa.Pull(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if len(server.asked) > 0 {
			found(rep)
		}
	}
}

// TestProofSentPastTheCut: a responder holding a proof for an actor sends
// it to an opener whose vector goes past the cut, and to no other.
func TestProofSentPastTheCut(t *testing.T) {
	a, b := pair(t)
	client, server := forkPair()
	server.cuts = map[string]map[string]uint64{"d2": {"02": 4}}
	sb := New(b, server, Options{})
	defer sb.Close()
	sa := New(a, client, Options{})
	defer sa.Close()
	if _, err := sa.Pull(t.Context(), b.ID()); err != nil || len(server.asked) != 0 {
		t.Fatalf("an opener at the cut was sent a proof: %v %v", err, server.asked)
	}
	server.cuts["d2"]["02"] = 3 // the opener holds seq 4
	if _, err := sa.Pull(t.Context(), b.ID()); err != nil || !slices.Equal(server.asked, []string{"d2 proof"}) {
		t.Fatalf("proof past the cut: %v, asked %v", err, server.asked)
	}
}

// TestRequestTagsChecked: a nonce or tags of the wrong size are refused.
func TestRequestTagsChecked(t *testing.T) {
	doc := DocState{Doc: "d", Type: "ledger", VV: []Clock{{Actor: []byte{1}, Seq: 1}, {Actor: []byte{2}, Seq: 1}, {Actor: []byte{3}, Seq: 1}}}
	nonce := make([]byte, NonceSize)
	for _, tt := range []struct {
		name  string
		nonce []byte
		tags  []byte
		ok    bool
	}{
		{"none", nil, nil, true},
		{"two bytes for three clocks", nonce, []byte{1, 2}, true},
		{"three bytes for three clocks", nonce, []byte{1, 2, 3}, false},
		{"one byte for three clocks", nonce, []byte{1}, false},
		{"tags without a nonce", nil, []byte{1, 2}, false},
		{"a short nonce", nonce[:8], []byte{1, 2}, false},
	} {
		r := &Request{Version: Version, Spaces: []SpaceState{{Space: "s", Docs: []DocState{doc}, Nonce: tt.nonce, Tags: tt.tags}}}
		_, err := EncodeRequest(r)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrMalformed)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
