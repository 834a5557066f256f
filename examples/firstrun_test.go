// Package examples holds runnable examples of weft; its test runs the
// README's first command, so that it keeps working on a fresh machine.
package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFirstRun builds weft and runs examples/first-run.sh twice on a new
// home with the passphrase from the environment, as README.md says.
func TestFirstRun(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "weft")
	build := exec.Command("go", "build", "-o", bin, "../cmd/weft")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "WEFT_HOME="+filepath.Join(dir, "home"), "WEFT_PASSPHRASE=example passphrase", "TZ=UTC")
	for run := 1; run <= 2; run++ {
		cmd := exec.Command("sh", "first-run.sh", bin)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
		if got := strings.Count(string(out), "First meeting"); got != run {
			t.Fatalf("run %d lists %d first meetings, want %d:\n%s", run, got, run, out)
		}
		if !strings.Contains(string(out), "in 25.00") && !strings.Contains(string(out), "in 50.00") {
			t.Fatalf("run %d shows no balance:\n%s", run, out)
		}
	}
}
