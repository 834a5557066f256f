package node_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/weftsync/weft"

// goList runs `go list` with a template over the module's packages.
func goList(t *testing.T, args ...string) map[string][]string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command("go", append([]string{"list", "-e"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	res := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, ":")
		res[pkg] = strings.Fields(deps)
	}
	return res
}

// purePackages do no I/O, no logging and no networking: they are fuzzed and
// run on untrusted bytes.
var purePackages = []string{module + "/crdt", module + "/node/wire", module + "/node/seal",
	module + "/node/member", module + "/node/ledgerhist", module + "/node/ratelimit"}

func under(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }

// TestImportRules enforces DESIGN.md section 2: imports point one way.
func TestImportRules(t *testing.T) {
	imports := goList(t, "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", module+"/...")
	deps := goList(t, "-f", "{{.ImportPath}}:{{join .Deps \" \"}}", module+"/...")
	for pkg, imps := range imports {
		for _, imp := range imps {
			checkImport(t, pkg, imp)
		}
	}
	if !slices.Contains(deps[module+"/crdt"], "github.com/automerge/automerge-go") {
		t.Fatalf("go list shows no automerge-go under crdt: the check would see nothing")
	}
	for pkg, ds := range deps {
		for _, d := range ds {
			checkDep(t, pkg, d, purePackages)
		}
	}
}

func checkImport(t *testing.T, pkg, imp string) {
	t.Helper()
	switch {
	case (under(pkg, module+"/crdt") || under(pkg, module+"/store")) && under(imp, module+"/node"):
		t.Errorf("%s imports %s: crdt and store never import node", pkg, imp)
	case under(pkg, module+"/crdt") && under(imp, module+"/store"):
		t.Errorf("%s imports %s: crdt never imports store", pkg, imp)
	case under(pkg, module+"/store") && under(imp, module+"/crdt") && imp != module+"/crdt/model":
		t.Errorf("%s imports %s: store uses only the plain values of crdt/model", pkg, imp)
	case under(imp, "github.com/automerge/automerge-go") && !under(pkg, module+"/crdt"):
		t.Errorf("%s imports automerge-go: only crdt may", pkg)
	case !under(pkg, module+"/cmd") && under(imp, module+"/cmd"):
		t.Errorf("%s imports %s: nothing imports cmd", pkg, imp)
	}
	for _, p := range purePackages {
		if under(pkg, p) && (imp == "os" || imp == "log" || imp == "log/slog") {
			t.Errorf("%s imports %s: pure packages do no I/O and no logging", pkg, imp)
		}
	}
}

func checkDep(t *testing.T, pkg, dep string, pure []string) {
	t.Helper()
	for _, p := range pure {
		if under(pkg, p) && (under(dep, "net") || dep == "database/sql" || under(dep, "github.com/mattn/go-sqlite3") ||
			strings.HasPrefix(dep, "github.com/libp2p/")) {
			t.Errorf("%s depends on %s: pure packages stay free of networking and storage", pkg, dep)
		}
	}
	// Only the engine's server side may reach Automerge: the node's own
	// process never runs it.
	if under(pkg, module+"/node") && !under(pkg, module+"/node/engine/server") &&
		under(dep, "github.com/automerge/automerge-go") {
		t.Errorf("%s depends on automerge-go: only node/engine/server may", pkg)
	}
}
