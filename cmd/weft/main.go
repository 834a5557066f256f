// Command weft keeps a coalition's calendars, case studies and ledgers in
// sync between members' machines, with no server. See README.md.
package main

import (
	"os"
	_ "time/tzdata" // zones for machines without a zone database

	"github.com/weftsync/weft/cmd/internal/cli"
	"github.com/weftsync/weft/node/engine/server"
	_ "github.com/weftsync/weft/node/onearena" // one malloc arena for the node's C heap (decision 0073)
)

func main() {
	server.Dispatch() // in an engine child this serves and never returns
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
