package ics

import (
	"errors"
	"fmt"
)

// ParseError says why a file is broken and where. A broken file imports
// nothing.
type ParseError struct {
	Line int    // 1-based; for a folded line, its first physical line
	Msg  string // what is wrong, for a person
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("ics: line %d: %s", e.Line, e.Msg)
}

// parseErrorf builds a *ParseError.
func parseErrorf(line int, format string, args ...any) error {
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// ErrTooLarge means an input is larger than MaxImportSize.
var ErrTooLarge = errors.New("ics: file too large")

// ErrInvalidEvent means Export was given an event whose times cannot be
// read.
var ErrInvalidEvent = errors.New("ics: invalid event")

var (
	errUnclosedQuote = errors.New("unclosed quote")
	errNoColon       = errors.New("no colon before the value")
	errStrayQuote    = errors.New("quote inside an unquoted value")
)
