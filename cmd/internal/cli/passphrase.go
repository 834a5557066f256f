package cli

import (
	"bytes"
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/weftsync/weft/node"
)

// passphrase reads the passphrase from the first available source, in the
// order of DESIGN.md section 9. It never takes one from the command line.
func (e *env) passphrase() ([]byte, error) {
	if f := firstNonEmpty(e.passFile, os.Getenv("WEFT_PASSPHRASE_FILE")); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%w: read passphrase file: %w", node.ErrNoPassphrase, err)
		}
		return bytes.TrimRight(b, "\r\n"), nil
	}
	if p, ok := os.LookupEnv("WEFT_PASSPHRASE"); ok {
		return []byte(p), nil
	}
	return promptPassphrase("Passphrase: ")
}

// newPassphrase is passphrase for weft init: a passphrase typed at the
// prompt is asked twice, since a typo would lock the store for good.
func (e *env) newPassphrase() ([]byte, error) {
	if firstNonEmpty(e.passFile, os.Getenv("WEFT_PASSPHRASE_FILE")) != "" {
		return e.passphrase()
	}
	if _, ok := os.LookupEnv("WEFT_PASSPHRASE"); ok {
		return e.passphrase()
	}
	p, err := promptPassphrase("New passphrase: ")
	if err != nil {
		return nil, err
	}
	again, err := promptPassphrase("Repeat it: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, usagef("the two passphrases differ; nothing was set up: run weft init again")
	}
	return p, nil
}

func promptPassphrase(prompt string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, node.ErrNoPassphrase
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	p, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", node.ErrNoPassphrase, err)
	}
	return p, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
