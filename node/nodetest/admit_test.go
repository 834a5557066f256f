package nodetest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine/server"
	"github.com/weftsync/weft/node/nodetest"
)

func TestMain(m *testing.M) {
	server.Dispatch() // in an engine child this serves and never returns
	os.Exit(m.Run())
}

// TestAdmitNew: the member AdmitNew makes opens as a member of the space,
// admitted (not a pending join), and the admitting node's roster lists it.
func TestAdmitNew(t *testing.T) {
	ctx := t.Context()
	src, err := node.Init(ctx, node.Options{Home: t.TempDir(), NoPassphrase: true}, "Source")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sp, err := src.CreateSpace(ctx, "Fund")
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(t.TempDir(), "member")
	if err := nodetest.AdmitNew(ctx, src, sp, home, "Member"); err != nil {
		t.Fatal(err)
	}
	m, err := node.Open(ctx, node.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	spaces, err := m.Spaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(spaces) != 1 || spaces[0].ID != sp.ID || spaces[0].Pending {
		t.Fatalf("the member's spaces: %+v; want %s, admitted", spaces, sp.ID)
	}
}
