package daemon

import (
	"context"
	"errors"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/ics"
)

// ErrNoDaemon means no daemon answers on the home's socket: the caller
// opens the store itself.
var ErrNoDaemon = errors.New("daemon: no daemon running")

// ErrUnknownMethod means a request named a method the daemon does not
// serve (a client newer than the daemon, or a mistake).
var ErrUnknownMethod = errors.New("daemon: unknown method")

// kinds names every sentinel an error keeps across the socket. A name is
// part of the protocol: never rename one.
var kinds = []struct {
	name string
	err  error
}{
	{"not_initialized", node.ErrNotInitialized},
	{"already_initialized", node.ErrAlreadyInitialized},
	{"wrong_passphrase", node.ErrWrongPassphrase},
	{"no_passphrase", node.ErrNoPassphrase},
	{"busy", node.ErrBusy},
	{"not_found", node.ErrNotFound},
	{"ambiguous", node.ErrAmbiguous},
	{"invalid", node.ErrInvalid},
	{"corrupt", node.ErrCorrupt},
	{"quarantined", node.ErrQuarantined},
	{"not_serving", node.ErrNotServing},
	{"ics_too_large", ics.ErrTooLarge},
	{"ics_invalid_event", ics.ErrInvalidEvent},
	{"unknown_currency", model.ErrUnknownCurrency},
	{"invalid_amount", model.ErrInvalidAmount},
	{"amount_precision", model.ErrAmountPrecision},
	{"amount_overflow", model.ErrAmountOverflow},
	{"invalid_time", model.ErrInvalidTime},
	{"invalid_date", model.ErrInvalidDate},
	{"unknown_zone", model.ErrUnknownZone},
	{"nonexistent_time", model.ErrNonexistentTime},
	{"ambiguous_time", model.ErrAmbiguousTime},
	{"offset_mismatch", model.ErrOffsetMismatch},
	{"empty_range", model.ErrEmptyRange},
	{"canceled", context.Canceled},
	{"deadline", context.DeadlineExceeded},
	{"too_large", ErrTooLarge},
	{"unknown_method", ErrUnknownMethod},
}

// wireError is an error as it crosses the socket: its message, the names
// of every sentinel it matched, and an iCalendar parse error's fields.
type wireError struct {
	Message string   `cbor:"msg"`
	Kinds   []string `cbor:"kinds,omitempty"`
	ICS     *icsLine `cbor:"ics,omitempty"`
}

type icsLine struct {
	Line int    `cbor:"line"`
	Msg  string `cbor:"msg"`
}

// toWire describes err for the client.
func toWire(err error) *wireError {
	w := &wireError{Message: err.Error()}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			w.Kinds = append(w.Kinds, k.name)
		}
	}
	var pe *ics.ParseError
	if errors.As(err, &pe) {
		w.ICS = &icsLine{Line: pe.Line, Msg: pe.Msg}
	}
	return w
}

// Error is an error the daemon returned. It matches (errors.Is) every
// sentinel the original error matched, and errors.As finds an
// *ics.ParseError if the original held one; its message is the original's.
type Error struct {
	msg   string
	wraps []error
}

// Error returns the original error's message.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the sentinels (and parse error) the original matched.
func (e *Error) Unwrap() []error { return e.wraps }

// fromWire rebuilds the error a wireError describes. Kind names it does
// not know (from a newer daemon) are dropped.
func fromWire(w *wireError) error {
	e := &Error{msg: w.Message}
	for _, name := range w.Kinds {
		for _, k := range kinds {
			if k.name == name {
				e.wraps = append(e.wraps, k.err)
			}
		}
	}
	if w.ICS != nil {
		e.wraps = append(e.wraps, &ics.ParseError{Line: w.ICS.Line, Msg: w.ICS.Msg})
	}
	return e
}
