package main

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/weftsync/weft/cmd/internal/cli"
	"github.com/weftsync/weft/node/engine/server"
)

func TestMain(m *testing.M) {
	faultyEngine() // in an engine child started with a fault to inject
	server.Dispatch()
	testscript.Main(m, map[string]func(){
		"weft": func() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/*.txtar, each in its own
// directory with its own weft home.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Setup: func(env *testscript.Env) error {
			env.Setenv("WEFT_HOME", env.WorkDir+"/home")
			env.Setenv("TZ", "Europe/Paris")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture": capture,
			"httpget": httpGet,
		},
		RequireExplicitExec: true,
	})
}

// capture NAME sets $NAME to the last command's stdout, trimmed: the way a
// script keeps an ID that weft printed.
func capture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: capture NAME")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}
