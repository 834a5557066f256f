package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

// env is what every command runs with: streams, global flags, and the node
// it opens on demand.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	home           string
	passFile       string
	asJSON         bool
	verbose        bool
}

// Main runs weft with args (without the program name) and returns the exit
// code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if isCobraUsage(err) {
		err = &usageError{err.Error() + " (see 'weft --help')"}
	}
	return report(stderr, err, e.asJSON)
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "weft",
		Short:         "Keep a coalition's calendars, case studies and ledgers in sync, with no server",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	f := root.PersistentFlags()
	f.StringVar(&e.home, "home", "", "weft's home folder (default $WEFT_HOME or the user data folder)")
	f.StringVar(&e.passFile, "passphrase-file", "", "read the passphrase from this file")
	f.BoolVar(&e.asJSON, "json", false, "print machine-readable JSON")
	f.BoolVarP(&e.verbose, "verbose", "v", false, "log what weft does on stderr")
	root.AddCommand(initCmd(e), idCmd(e), spaceCmd(e), calendarCmd(e), eventCmd(e),
		caseCmd(e), ledgerCmd(e), logCmd(e), statusCmd(e), peersCmd(e), syncCmd(e), doctorCmd(e), inviteCmd(e), joinCmd(e), admitCmd(e), welcomeCmd(e), bundleCmd(e),
		serveCmd(e), uiCmd(e), quarantineCmd(e))
	return root
}

// options builds the node options from the global flags.
func (e *env) options() node.Options {
	level := slog.LevelWarn
	if e.verbose {
		level = slog.LevelDebug
	}
	return node.Options{
		Home:       e.homeDir(),
		Passphrase: e.passphrase,
		Logger:     slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})),
	}
}

// open opens the node in this process, under the home's lock.
func (e *env) open(ctx context.Context) (*node.Node, error) {
	return node.Open(ctx, e.options())
}

// withNode reaches the node (through weft serve if it runs, see
// env.backend), runs fn and lets the node go.
func (e *env) withNode(cmd *cobra.Command, fn func(ctx context.Context, n Backend) error) error {
	ctx := cmd.Context()
	n, err := e.backend(ctx)
	if err != nil {
		return err
	}
	defer n.Close()
	return fn(ctx, n)
}

func isCobraUsage(err error) bool {
	var ue *usageError
	if errors.As(err, &ue) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument", "flag needs", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
