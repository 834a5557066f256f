package cli

import (
	"encoding/json"
	"fmt"
	"io"
)

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// emit prints v as JSON with --json, or calls human otherwise.
func (e *env) emit(v any, human func(w io.Writer)) error {
	if e.asJSON {
		return printJSON(e.stdout, v)
	}
	human(e.stdout)
	return nil
}

// note prints advice for people on stderr (never on stdout, which scripts read).
func (e *env) note(format string, a ...any) {
	if !e.asJSON {
		fmt.Fprintf(e.stderr, format+"\n", a...)
	}
}
