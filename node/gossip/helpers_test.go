package gossip

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// fakeLocal is a Local over maps.
type fakeLocal struct {
	members map[string]bool   // space + string(key)
	held    map[[32]byte]bool // change hashes stored
	spaces  []SpaceKey
}

func (f *fakeLocal) Spaces(context.Context) ([]SpaceKey, error) { return f.spaces, nil }

func (f *fakeLocal) IsMember(_ context.Context, space string, p ed25519.PublicKey) (bool, error) {
	return f.members[space+string(p)], nil
}

func (f *fakeLocal) Known(_ context.Context, space, _ string, hashes [][32]byte, signers [][]byte) (bool, map[string]bool, error) {
	held := true
	for _, h := range hashes {
		held = held && f.held[h]
	}
	members := map[string]bool{}
	for _, s := range signers {
		members[string(s)] = f.members[space+string(s)]
	}
	return held, members, nil
}

func (f *fakeLocal) Ingest(context.Context, Delivered) (bool, error) { return false, nil }

func (f *fakeLocal) IngestAll(_ context.Context, ds []Delivered) ([]bool, error) {
	return make([]bool, len(ds)), nil
}

// author is a member identity with one actor and its document history.
type author struct {
	id    *seal.Identity
	actor []byte
	doc   *am.Doc
}

func newAuthor(t *testing.T) *author {
	t.Helper()
	id, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	a := &author{id: id, actor: seal.NewActor(id.Public), doc: am.New()}
	if err := a.doc.SetActorID(hex.EncodeToString(a.actor)); err != nil {
		t.Fatal(err)
	}
	return a
}

// change commits one edit under a's actor and returns the parsed change.
func (a *author) change(t *testing.T, key, value string) *wire.Change {
	t.Helper()
	if err := a.doc.RootMap().Set(key, value); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	h, err := a.doc.Commit("edit", am.CommitOptions{Time: &when})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := a.doc.Change(h)
	if err != nil {
		t.Fatal(err)
	}
	c, err := wire.ParseChange(ch.Save())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// attest signs c as id for space and doc.
func attest(id *seal.Identity, space, doc string, c *wire.Change) []byte {
	return seal.Attest(id, space, doc, c.Actor, c.Seq, c.Hash).Marshal()
}

func mustSeal(t *testing.T, k SpaceKey, b Batch) []byte {
	t.Helper()
	env, err := Seal(k.ID, k.Epoch, k.Key, b)
	if err != nil {
		t.Fatal(err)
	}
	return env
}
