package store

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// TestSeizure plants canaries and IDs in every kind of row, then reads the
// store's files raw, as someone who copied them without the passphrase
// would: no canary and no ID may appear, raw, hex or base64.
func TestSeizure(t *testing.T) {
	db, _ := testDB(t)
	canary := "CANARY-q8Zt3vLw9Rk"
	doc, space, peer, epoch := model.NewID(), model.NewID(), "12D3KooWCanaryPeer"+model.NewID(), model.NewID()
	actor, signer := randBytes(16), randBytes(32)
	c1 := Change{Doc: doc, Hash: [32]byte(randBytes(32)), Actor: actor, Seq: 1, StartOp: 1, MaxOp: 1,
		Message: canary + "msg", Raw: []byte(canary + "raw")}
	c2 := Change{Doc: doc, Hash: [32]byte(randBytes(32)), Actor: actor, Seq: 2, StartOp: 2, MaxOp: 2,
		Deps: [][32]byte{c1.Hash}, Raw: []byte(canary + "raw2")}
	held := Change{Doc: doc, Hash: [32]byte(randBytes(32)), Actor: actor, Seq: 4, StartOp: 9, MaxOp: 9,
		Deps: [][32]byte{[32]byte(randBytes(32))}, Raw: []byte(canary + "held")}
	opID := [32]byte(randBytes(32))
	update(t, db, func(tx *Tx) error {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.PutSpace(space, []byte(`{"name":"`+canary+`space"}`)))
		must(tx.PutEpochKey(space, epoch, []byte(canary+"epochkey")))
		must(tx.PutIdentity([]byte(canary + "identity")))
		must(tx.PutPeer(peer, []byte(canary+"peer")))
		_, err := tx.AddMemberOp(space, opID, []byte(canary+"memberop"))
		must(err)
		must(tx.PutDoc(DocRow{ID: doc, Space: space, Type: model.Ledger, Created: 1, Meta: []byte(canary + "meta")}))
		for _, c := range []Change{c1, c2, held} {
			_, err := tx.AddChange(c)
			must(err)
		}
		_, err = tx.AddAttestation(AttestationRow{Doc: doc, Space: space, Actor: actor, Seq: 2, Hash: c2.Hash,
			Signer: signer, Blob: []byte(canary + "attest")})
		must(err)
		must(tx.PutSnapshot(doc, [][32]byte{c1.Hash, c2.Hash}, []byte(canary+"snapshot")))
		must(tx.LeaseActor(doc, randBytes(16)))
		must(tx.PutCut(doc, actor, 5))
		return tx.AddOutbox(doc, c2.Hash)
	})
	secrets := map[string][]byte{
		"canary": []byte(canary), "doc": []byte(doc), "space": []byte(space), "peer": []byte(peer),
		"epoch": []byte(epoch), "actor": actor, "signer": signer, "hash1": c1.Hash[:], "hash2": c2.Hash[:],
		"held": held.Hash[:], "held dep": held.Deps[0][:], "member op": opID[:],
	}
	files := readStoreFiles(t, db.Path())
	if len(files[db.Path()+"-wal"]) == 0 {
		t.Fatal("no WAL to inspect while open")
	}
	db.Close()
	for name, b := range readStoreFiles(t, db.Path()) {
		files[name+" (closed)"] = b
	}
	for fname, b := range files {
		for what, secret := range secrets {
			for _, form := range encodings(secret) {
				if bytes.Contains(b, form) {
					t.Errorf("%s holds the %s in plain form %q", fname, what, form)
				}
			}
		}
	}
}

// readStoreFiles reads the database file, its WAL and its shared memory.
func readStoreFiles(t *testing.T, path string) map[string][]byte {
	out := map[string][]byte{}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out[p] = b
	}
	return out
}

// encodings lists the forms a secret could leak in: raw, hex either case,
// and base64 (standard and URL) at each of the three alignments.
func encodings(secret []byte) [][]byte {
	h := hex.EncodeToString(secret)
	out := [][]byte{secret, []byte(h), []byte(strings.ToUpper(h))}
	for shift := range 3 {
		in := append(bytes.Repeat([]byte{0}, shift), secret...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			s := enc.EncodeToString(in)
			if len(s) > 12 {
				out = append(out, []byte(s[4:len(s)-4]))
			}
		}
	}
	return out
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
