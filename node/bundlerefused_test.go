package node_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/wire"
)

// TestBundleCountsWhatEngineKept (decision 0043): a bundle whose ledger
// batch the engine refuses after the import's commit (a change of it kills
// the engine) reports the quarantine, and its report counts as added only
// the changes kept, the ones before the culprit, not the whole batch as
// stored at the commit.
func TestBundleCountsWhatEngineKept(t *testing.T) {
	node.SetHeldFeed(t, 4, 8)
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	const entries, bad = 12, 6
	have := storedSet(t, a, ledger)
	addEntries(t, b, sp, entries)
	var fresh [][32]byte
	for _, raw := range node.DocChanges(b, ledger) {
		if c := must[*wire.Change](t)(wire.ParseChange(raw)); !have[c.Hash] {
			fresh = append(fresh, c.Hash)
		}
	}
	if len(fresh) != entries {
		t.Fatalf("premise: %d new ledger changes, want %d", len(fresh), entries)
	}
	var bundle bytes.Buffer
	if err := b.ExportBundle(ctx, sp, &bundle); err != nil {
		t.Fatal(err)
	}
	aOpts.Engine.Env = append(os.Environ(), faultKillEnv+"="+wire.HashHex(fresh[bad]))
	a = reopen(t, a, aOpts)
	must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)) // the engine holds the ledger: the batch is fed

	rep, err := a.ImportBundle(ctx, &bundle)
	if !errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("import = %+v, %v; want the culprit's quarantine", rep, err)
	}
	if rep.Added != bad || rep.Refused != entries-bad {
		t.Fatalf("report: %d added, %d refused; want the %d kept before the culprit added and the %d from it on refused",
			rep.Added, rep.Refused, bad, entries-bad)
	}
	assertQuarantinedOnce(t, a, ledger, fresh[bad], b)
}
