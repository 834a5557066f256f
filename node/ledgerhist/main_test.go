package ledgerhist_test

import (
	"os"
	"testing"

	"github.com/weftsync/weft/crdt"
)

// TestMain enables automerge in the test binary, so the tests can build
// histories with automerge-go and compare with crdt/ledger.History.
func TestMain(m *testing.M) {
	crdt.Enable()
	os.Exit(m.Run())
}
