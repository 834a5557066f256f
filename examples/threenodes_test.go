package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestThreeNodes builds weft and runs examples/three-nodes.sh: three members
// on 127.0.0.1 each make one change, and every node must list all three.
func TestThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three nodes")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "weft")
	build := exec.Command("go", "build", "-o", bin, "../cmd/weft")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command("sh", "three-nodes.sh", bin)
	cmd.Env = append(os.Environ(), "TMPDIR="+dir, "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("three-nodes.sh: %v\n%s\n%s", err, out, stderr)
	}
	checkEveryNodeHoldsAll(t, string(out))
}

// checkEveryNodeHoldsAll checks the section printed for each member lists
// the event, the case study and the ledger entry.
func checkEveryNodeHoldsAll(t *testing.T, out string) {
	t.Helper()
	for _, who := range []string{"amina", "bo", "chen"} {
		t.Run(who, func(t *testing.T) {
			_, section, ok := strings.Cut(out, "== "+who+"\n")
			if !ok {
				t.Fatalf("no section for %s:\n%s", who, out)
			}
			section, _, _ = strings.Cut(section, "\n== ")
			for _, change := range []string{"Kick-off", "Rent strike 2019", "from Chen"} {
				if !strings.Contains(section, change) {
					t.Errorf("%s does not list %q:\n%s", who, change, section)
				}
			}
		})
	}
}
