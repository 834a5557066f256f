package replicate

import (
	"slices"
	"testing"
)

// TestPullProving: a responder whose roster does not list the opener
// serves it nothing and names the space nowhere; the opener sees the space
// unserved and proves its membership; a proof that admits it is served in
// the same exchange, one that does not is served nothing, and each side
// sends or checks one proof per peer and space per proofEvery.
func TestPullProving(t *testing.T) {
	a, b := pair(t)
	server := serverLocal()
	server.open = false // its roster does not list the opener yet
	sb := New(b, server, Options{})
	defer sb.Close()
	client := &memLocal{open: true, ops: [][]byte{{7}, []byte("admit")}, digest: map[string]DocDigest{}}
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete || rep.Frames != 0 || len(rep.Remote) != 0 {
		t.Fatalf("a pull from a peer that does not list us: %v, %+v", err, rep)
	}
	if !slices.Equal(rep.Unserved, []string{testSpace}) {
		t.Fatalf("unserved %v, want [%s]", rep.Unserved, testSpace)
	}
	if len(server.proofs) != 0 {
		t.Fatalf("the responder was given a proof by a plain pull: %v", server.proofs)
	}

	rep, err = sa.PullProving(t.Context(), b.ID(), rep.Unserved)
	if err != nil || !rep.Complete || rep.Received() != 40 || len(rep.Unserved) != 0 || len(rep.Remote) != 1 {
		t.Fatalf("a pull with a proof that admits us: %v, received %d, unserved %v, remote %d", err, rep.Received(), rep.Unserved, len(rep.Remote))
	}
	if len(server.proofs) != 1 || !slices.EqualFunc(server.proofs[0], client.ops, slices.Equal) {
		t.Fatalf("the responder was given %v, want one proof %v", server.proofs, client.ops)
	}

	again, err := sa.PullProving(t.Context(), b.ID(), []string{testSpace})
	if err != nil || again.BytesOut != 0 || again.Frames != 0 {
		t.Fatalf("a second proof within proofEvery was sent: %v, %+v", err, again)
	}
}

// TestPullProvingRefused: a proof that does not admit the opener brings
// nothing, and the responder checks one proof per peer and space per
// proofEvery, however many the opener sends.
func TestPullProvingRefused(t *testing.T) {
	a, b := pair(t)
	server := serverLocal()
	server.open = false
	sb := New(b, server, Options{})
	defer sb.Close()
	client := &memLocal{open: true, ops: [][]byte{{7}}, digest: map[string]DocDigest{}}
	for i := range 2 { // a fresh Syncer each time: its own memory of proofs sent
		sa := New(a, client, Options{})
		rep, err := sa.PullProving(t.Context(), b.ID(), []string{testSpace})
		sa.Close()
		if err != nil || !rep.Complete || rep.Frames != 0 || !slices.Equal(rep.Unserved, []string{testSpace}) || rep.BytesOut == 0 {
			t.Fatalf("proof %d, which does not admit us: %v, %+v", i, err, rep)
		}
	}
	if len(server.proofs) != 1 {
		t.Fatalf("the responder checked %d proofs of one peer for one space within proofEvery, want 1", len(server.proofs))
	}
}
