package node_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// forge plays a modified client: it loads doc's stored changes with
// automerge-go in the test process, edits the document directly under
// actor, and returns the raw change. Only tests do this outside the engine.
func forge(t *testing.T, chunks [][]byte, actor []byte, edit func(d *am.Doc) error) []byte {
	t.Helper()
	d := forgeDoc(t, chunks, actor)
	if err := edit(d); err != nil {
		t.Fatal(err)
	}
	return forgeCommit(t, d, "tidy up")
}

// forgeDoc loads chunks with automerge-go in the test process, under actor,
// for a modified client's edits.
func forgeDoc(t *testing.T, chunks [][]byte, actor []byte) *am.Doc {
	t.Helper()
	d := am.New()
	if err := d.LoadIncremental(bytes.Join(chunks, nil)); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActorID(hex.EncodeToString(actor)); err != nil {
		t.Fatal(err)
	}
	return d
}

// forgeCommit commits d's pending edits with msg and returns the raw change.
func forgeCommit(t *testing.T, d *am.Doc, msg string) []byte {
	t.Helper()
	when := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	h, err := d.Commit(msg, am.CommitOptions{Time: &when})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := d.Change(h)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Save()
}

// attest signs raw as id, for space and doc, as a (modified) client would.
func attest(t *testing.T, id *seal.Identity, space, doc string, raw []byte) []byte {
	t.Helper()
	c, err := wire.ParseChange(raw)
	if err != nil {
		t.Fatalf("forged change does not parse: %v", err)
	}
	return seal.Attest(id, space, doc, c.Actor, c.Seq, c.Hash).Marshal()
}

// attestPoison signs the hash of poison with the actor and seq of the change
// it was made from: the parser refuses poison itself.
func attestPoison(t *testing.T, id *seal.Identity, space, doc string, from, poison []byte) []byte {
	t.Helper()
	c, err := wire.ParseChange(from)
	if err != nil {
		t.Fatal(err)
	}
	return seal.Attest(id, space, doc, c.Actor, c.Seq, sha256.Sum256(poison[8:])).Marshal()
}

func TestLedgerTamperingIsAudited(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Strike Fund"))
	joinSpace(t, a, b, sp)
	kept := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 10000, Currency: "EUR"}))
	gone := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 4000, Currency: "EUR"}))
	exchange(t, a, b, sp)

	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	bid := node.IdentityOf(b)
	raw := forge(t, node.DocChanges(b, ledger), seal.NewActor(bid.Public), func(d *am.Doc) error {
		if err := d.Path("entries", 0, "amount_minor").Set(int64(1)); err != nil {
			return err
		}
		return d.Path("entries", 1).Delete()
	})
	// B's modified client stores and attests it, then hands A a bundle.
	res := must[node.IngestResult](t)(b.Ingest(ctx, sp.ID, ledger, [][]byte{raw}, [][]byte{attest(t, bid, sp.ID, ledger, raw)}))
	if res.Stored != 1 {
		t.Fatalf("b's own ingest: %+v", res)
	}
	if rep := exchange(t, b, a, sp); rep.Added != 1 || rep.Refused != 0 {
		t.Fatalf("a's import: %+v", rep)
	}
	findings := must[[]node.Finding](t)(a.Audit(ctx, sp))
	want := map[string]string{kept: "altered", gone: "deleted"}
	if len(findings) != 2 {
		t.Fatalf("findings %+v", findings)
	}
	for _, f := range findings {
		if want[f.EntryID] != f.Problem || f.By != "Bo" {
			t.Errorf("finding %+v, want %s by Bo", f, want[f.EntryID])
		}
		if f.Problem == "altered" && f.Field != "amount_minor" {
			t.Errorf("altered field %q", f.Field)
		}
	}
}

// setStartOp re-encodes a change with another startOp and a valid checksum.
func setStartOp(t *testing.T, raw []byte, startOp uint64) []byte {
	t.Helper()
	c, err := wire.ParseChange(raw)
	if err != nil {
		t.Fatal(err)
	}
	_, n := uvarint(raw[9:])
	body := raw[9+n:]
	off := len(uleb(uint64(len(c.Deps)))) + 32*len(c.Deps) + len(uleb(uint64(len(c.Actor)))) + len(c.Actor) + len(uleb(c.Seq))
	nb := slices.Concat(body[:off], uleb(startOp), body[off+len(uleb(c.StartOp)):])
	h := sha256.Sum256(slices.Concat([]byte{1}, uleb(uint64(len(nb))), nb))
	return slices.Concat(raw[:4], h[:4], []byte{1}, uleb(uint64(len(nb))), nb)
}

func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		if v >>= 7; v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i, c := range b {
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

func TestIngestRefusesHostileChanges(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	outsider, _ := initNode(t, "Oz")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Legal Aid"))
	joinSpace(t, a, b, sp)
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	chunks := node.DocChanges(a, ledger)
	addEntry := func(d *am.Doc) error {
		return d.Path("entries", 0).Set(map[string]any{"id": model.NewID(), "amount_minor": int64(5)})
	}
	bid, aid, oid := node.IdentityOf(b), node.IdentityOf(a), node.IdentityOf(outsider)
	honest := forge(t, chunks, seal.NewActor(bid.Public), addEntry)
	poison := setStartOp(t, honest, 1<<32-2)
	asA := forge(t, chunks, seal.NewActor(aid.Public), addEntry)
	byOutsider := forge(t, chunks, seal.NewActor(oid.Public), addEntry)

	tests := []struct {
		name    string
		raw     []byte
		att     []byte
		badAtts int
		reason  string
	}{
		{"startOp poison", poison, attestPoison(t, bid, sp.ID, ledger, honest, poison), 0, "startOp"},
		{"attestation forged for another's actor", asA, attest(t, bid, sp.ID, ledger, asA), 1, "not covered"},
		{"attested by a non-member", byOutsider, attest(t, oid, sp.ID, ledger, byOutsider), 1, "not covered"},
		{"attested for another space", honest, attest(t, bid, model.NewID(), ledger, honest), 1, "not covered"},
		{"no attestation", honest, nil, 0, "not covered"},
		{"not a change", []byte("\x85\x6f\x4a\x83garbage"), nil, 0, "wire:"},
	}
	restarts := node.EngineRestarts(a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var atts [][]byte
			if tt.att != nil {
				atts = [][]byte{tt.att}
			}
			res := must[node.IngestResult](t)(a.Ingest(ctx, sp.ID, ledger, [][]byte{tt.raw}, atts))
			if res.Stored != 0 || res.Refused != 1 || res.BadAttestations != tt.badAtts {
				t.Fatalf("result %+v", res)
			}
			if r := res.Refusals[len(res.Refusals)-1].Reason; !strings.Contains(r, tt.reason) {
				t.Fatalf("reason %q, want it to mention %q", r, tt.reason)
			}
		})
	}
	if got := node.EngineRestarts(a); got != restarts {
		t.Errorf("engine restarted %d times: hostile bytes reached it", got-restarts)
	}
	t.Run("a second hash attested for the same actor and seq is equivocation", func(t *testing.T) {
		// B attested the poison under honest's (actor, seq) above: attesting
		// honest too proves equivocation, and the actor is cut from that seq.
		res := must[node.IngestResult](t)(a.Ingest(ctx, sp.ID, ledger, [][]byte{honest}, [][]byte{attest(t, bid, sp.ID, ledger, honest)}))
		if res.Equivocations != 1 || res.Stored != 0 || res.Refused != 1 {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("honest change under a fresh actor accepted, local edits still work", func(t *testing.T) {
		fresh := forge(t, chunks, seal.NewActor(bid.Public), addEntry)
		res := must[node.IngestResult](t)(a.Ingest(ctx, sp.ID, ledger, [][]byte{fresh}, [][]byte{attest(t, bid, sp.ID, ledger, fresh)}))
		if res.Stored != 1 || res.Refused != 0 {
			t.Fatalf("honest change: %+v", res)
		}
		must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
		if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != 2 {
			t.Fatalf("%d entries, want 2", n)
		}
	})
}
