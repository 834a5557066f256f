package crdt_test

import (
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestNotEngine checks that without Enable nothing reaches automerge. Enable
// cannot be undone, so the check runs in a child test process whose
// TestMain leaves crdt disabled.
func TestNotEngine(t *testing.T) {
	if os.Getenv(noEngineEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNotEngine$", "-test.v")
		cmd.Env = append(os.Environ(), noEngineEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	_, _, err := crdt.Create(model.Create{Type: model.Ledger, Space: space, Currency: "EUR"}, actor(1), at, "")
	if !errors.Is(err, crdt.ErrNotEngine) {
		t.Errorf("Create without Enable: got %v, want ErrNotEngine", err)
	}
	if _, err := crdt.Load([][]byte{{1}}, actor(1)); !errors.Is(err, crdt.ErrNotEngine) {
		t.Errorf("Load without Enable: got %v, want ErrNotEngine", err)
	}
	if _, err := crdt.LedgerHistory(nil); !errors.Is(err, crdt.ErrNotEngine) {
		t.Errorf("LedgerHistory without Enable: got %v, want ErrNotEngine", err)
	}
}
