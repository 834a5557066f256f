package daemon_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
	"github.com/weftsync/weft/node/ics"
)

// sentinels are the errors a caller of the node tells apart.
var sentinels = []error{node.ErrNotFound, node.ErrAmbiguous, node.ErrInvalid, node.ErrBusy, node.ErrCorrupt,
	node.ErrQuarantined, model.ErrUnknownCurrency, model.ErrInvalidAmount, model.ErrUnknownZone, ics.ErrTooLarge}

// TestErrorsKeepTheirKind makes the same mistakes directly and through the
// daemon: the messages and every sentinel matched are the same.
func TestErrorsKeepTheirKind(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	serve(t, n, h)
	c := dial(t, h)
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Twins"))
	must[node.Space](t)(n.CreateSpace(ctx, "Twins"))
	entry := must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	must[string](t)(n.Reverse(ctx, sp, entry, "typo"))
	tests := []struct {
		name string
		want error
		call func(b backendErr) error
	}{
		{"not found", node.ErrNotFound, func(b backendErr) error { _, err := b.ResolveSpace(ctx, "nosuch"); return err }},
		{"ambiguous", node.ErrAmbiguous, func(b backendErr) error { _, err := b.ResolveSpace(ctx, "Twins"); return err }},
		{"event not found", node.ErrNotFound, func(b backendErr) error { _, err := b.Event(ctx, sp, "zzzzzzzz"); return err }},
		{"reversed twice", node.ErrInvalid, func(b backendErr) error { _, err := b.Reverse(ctx, sp, entry, "again"); return err }},
		{"invalid event", node.ErrInvalid, func(b backendErr) error {
			_, err := b.AddEvent(ctx, sp, "", model.Event{Title: "", Kind: "party", Start: "yesterday"})
			return err
		}},
		{"broken iCalendar", node.ErrInvalid, func(b backendErr) error {
			_, err := b.ImportICS(ctx, sp, "", strings.NewReader(strings.Replace(icsFile, "20261201T180000Z", "2026XX01T180000Z", 1)))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			direct, remote := tt.call(n), tt.call(c)
			if direct == nil || remote == nil {
				t.Fatalf("errors: direct %v, through the daemon %v", direct, remote)
			}
			if !errors.Is(remote, tt.want) || direct.Error() != remote.Error() {
				t.Fatalf("through the daemon %q, directly %q; want %v", remote, direct, tt.want)
			}
			for _, s := range sentinels {
				if errors.Is(direct, s) != errors.Is(remote, s) {
					t.Errorf("errors.Is(_, %v): direct %v, through the daemon %v", s, errors.Is(direct, s), errors.Is(remote, s))
				}
			}
			var pd, pr *ics.ParseError
			if errors.As(direct, &pd) != errors.As(remote, &pr) || (pd != nil && *pd != *pr) {
				t.Errorf("parse errors: direct %v, through the daemon %v", pd, pr)
			}
		})
	}
}

// backendErr is the part of the node the error cases call.
type backendErr interface {
	ResolveSpace(ctx context.Context, arg string) (node.Space, error)
	Event(ctx context.Context, sp node.Space, id string) (node.CalendarEvent, error)
	Reverse(ctx context.Context, sp node.Space, entryID, memo string) (string, error)
	AddEvent(ctx context.Context, sp node.Space, calendar string, ev model.Event) (string, error)
	ImportICS(ctx context.Context, sp node.Space, calendar string, r io.Reader) (node.ImportReport, error)
}

// TestOnlyTheTableIsCallable: methods outside the dispatch table, and calls
// with the wrong arguments, are refused and leave the connection usable.
func TestOnlyTheTableIsCallable(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	serve(t, n, h)
	c := dial(t, h)
	tests := []struct {
		name   string
		method string
		args   []any
		want   error
	}{
		{"Close is not served", "Close", nil, daemon.ErrUnknownMethod},
		{"Verify is not served", "Verify", nil, daemon.ErrUnknownMethod},
		{"lower case", "spaces", nil, daemon.ErrUnknownMethod},
		{"too many arguments", "Spaces", []any{"x"}, node.ErrInvalid},
		{"too few arguments", "ResolveSpace", nil, node.ErrInvalid},
		{"wrong type", "ResolveSpace", []any{42}, node.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.Call(t.Context(), tt.method, tt.args, nil); !errors.Is(err, tt.want) {
				t.Fatalf("Call(%s) = %v, want %v", tt.method, err, tt.want)
			}
			if _, err := c.Spaces(t.Context()); err != nil {
				t.Fatalf("the connection broke: %v", err)
			}
		})
	}
}
