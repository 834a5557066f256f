package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/ics"
	"github.com/weftsync/weft/node/p2p"
)

// Exit codes (DESIGN.md section 10).
const (
	ExitOK       = 0
	ExitCheck    = 1 // a check failed: audit findings, sync incomplete
	ExitUsage    = 2
	ExitNotFound = 3 // not found or ambiguous
	ExitUnlock   = 4
	ExitBusy     = 5
	ExitNetwork  = 6
)

// usageError marks a mistake in how a command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// checkFailed carries exit code 1 after the command printed its findings.
var errCheckFailed = errors.New("check failed")

// classify maps an error to an exit code and the kind named in --json errors.
func classify(err error) (int, string) {
	var ue *usageError
	var pe *ics.ParseError
	switch {
	case errors.Is(err, errCheckFailed):
		return ExitCheck, "check_failed"
	case errors.As(err, &ue), errors.As(err, &pe), errors.Is(err, node.ErrInvalid),
		errors.Is(err, node.ErrAlreadyInitialized), model.IsInputError(err):
		return ExitUsage, "usage"
	case errors.Is(err, node.ErrNotFound), errors.Is(err, node.ErrNotInitialized):
		return ExitNotFound, "not_found"
	case errors.Is(err, node.ErrAmbiguous):
		return ExitNotFound, "ambiguous"
	case errors.Is(err, node.ErrWrongPassphrase), errors.Is(err, node.ErrNoPassphrase):
		return ExitUnlock, "unlock"
	case errors.Is(err, node.ErrBusy):
		return ExitBusy, "busy"
	case errors.Is(err, node.ErrNotServing):
		return ExitNetwork, "network"
	case errors.Is(err, p2p.ErrPortInUse):
		return ExitUsage, "usage"
	}
	return ExitCheck, "error"
}

// report prints err as one line (or a JSON object with --json) on stderr
// and returns the exit code.
func report(stderr io.Writer, err error, asJSON bool) int {
	code, kind := classify(err)
	msg := err.Error()
	if hint := hintFor(err); hint != "" {
		msg += ": " + hint
	}
	if asJSON {
		b, _ := json.Marshal(map[string]any{"error": map[string]string{"kind": kind, "message": msg}})
		fmt.Fprintln(stderr, string(b))
	} else {
		fmt.Fprintln(stderr, "weft:", msg)
	}
	return code
}

// hintFor says what to do next for the errors a person can act on.
func hintFor(err error) string {
	switch {
	case errors.Is(err, node.ErrNotInitialized):
		return "run 'weft init' first (or set --home / WEFT_HOME to the right folder)"
	case errors.Is(err, node.ErrWrongPassphrase):
		return "check the passphrase (from --passphrase-file, WEFT_PASSPHRASE_FILE, WEFT_PASSPHRASE or the prompt) and try again"
	case errors.Is(err, node.ErrNoPassphrase):
		return "give it with --passphrase-file FILE, WEFT_PASSPHRASE_FILE or WEFT_PASSPHRASE, or run in a terminal to be asked"
	case errors.Is(err, node.ErrBusy):
		return "another weft process is writing this home; wait for it to finish and try again"
	case errors.Is(err, node.ErrAmbiguous):
		return "use the full ID (see 'weft space list' or the list command)"
	case errors.Is(err, node.ErrNotServing):
		return "no 'weft serve' runs for this home: start it (it keeps the network), then try again"
	}
	return ""
}
