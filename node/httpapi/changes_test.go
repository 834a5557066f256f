package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// sse is one Server-Sent Event.
type sse struct{ event, data string }

// openStream opens the change stream with the token in the query, as a
// browser's EventSource does, and returns its events as they come.
func (a *api) openStream() <-chan sse {
	a.t.Helper()
	req := a.req("GET", "/api/changes?access_token="+a.token, nil)
	req = req.WithContext(context.Background()) // only the server ends it
	req.Header.Del("Authorization")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		a.t.Fatalf("change stream: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	events := make(chan sse, 16)
	go func() { // ends when the server ends the stream
		defer close(events)
		defer resp.Body.Close()
		var ev sse
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.event != "" {
					events <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, "event: "):
				ev.event = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[len("data: "):]
			}
		}
	}()
	return events
}

// next returns the next event, failing the test after a generous wait.
func next(t *testing.T, events <-chan sse) sse {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the change stream ended")
		}
		return ev
	case <-time.After(20 * time.Second):
		t.Fatal("no event on the change stream in 20s")
	}
	return sse{}
}

// waitForDoc reads change events until one names doc, at most max of
// them, and returns it.
func waitForDoc(t *testing.T, events <-chan sse, doc string, max int) node.ChangedDoc {
	t.Helper()
	for range max {
		ev := next(t, events)
		if ev.event != "change" {
			t.Fatalf("event %q, want change", ev.event)
		}
		var c struct{ Docs []node.ChangedDoc }
		if err := json.Unmarshal([]byte(ev.data), &c); err != nil {
			t.Fatalf("change data %q: %v", ev.data, err)
		}
		for _, d := range c.Docs {
			if d.Doc == doc {
				return d
			}
		}
	}
	t.Fatalf("no change event named %s in %d events", doc, max)
	return node.ChangedDoc{}
}

func TestChangeStream(t *testing.T) {
	a := startAPI(t)
	spID := a.newSpace("Coalition")
	sp := "/api/spaces/" + spID
	var cals []struct{ ID string }
	a.call("GET", sp+"/calendars", nil, http.StatusOK, &cals)
	events := a.openStream()
	if ev := next(t, events); ev.event != "ready" {
		t.Fatalf("first event %+v, want ready", ev)
	}

	// A local edit.
	a.call("POST", sp+"/events", map[string]any{"title": "Kick-off", "start": "2026-12-01T18:00:00Z"}, http.StatusCreated, nil)
	got := waitForDoc(t, events, cals[0].ID, 1)
	if got.Space != spID || got.Type != model.Calendar {
		t.Fatalf("change = %+v", got)
	}

	// Changes received from another member: Bo joins, records an entry,
	// and his copy reaches this node as a bundle.
	ctx := t.Context()
	bo := newNode(t, "Bo")
	space := join(t, a.n, bo, spID)
	if _, err := bo.AddEntry(ctx, space, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 700, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	var bundle bytes.Buffer
	if err := bo.ExportBundle(ctx, space, &bundle); err != nil {
		t.Fatal(err)
	}
	detail, err := a.n.SpaceDetail(ctx, space)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.n.ImportBundle(ctx, &bundle); err != nil {
		t.Fatal(err)
	}
	got = waitForDoc(t, events, detail.Ledger, 5)
	if got.Space != spID || got.Type != model.Ledger {
		t.Fatalf("change = %+v", got)
	}
	// The stream is still open: stopping the server ends it (a stream left
	// open would make the shutdown time out and Serve fail).
	if err := a.stop(); err != nil {
		t.Fatalf("stop with a change stream open: %v", err)
	}
	for range events { // the reader ends when the server closes the stream
	}
}

func TestChangeStreamNeedsToken(t *testing.T) {
	a := startAPI(t)
	req := a.req("GET", "/api/changes?access_token=wrong", nil)
	req.Header.Del("Authorization")
	code, body := a.send(req)
	wantError(t, code, body, http.StatusUnauthorized, "unauthorized")
}

// join brings b into a's space spID, by file, and returns the space.
func join(t *testing.T, a, b *node.Node, spID string) node.Space {
	t.Helper()
	ctx := t.Context()
	space, err := a.ResolveSpace(ctx, spID)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := a.Invite(ctx, space, node.InviteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	req, _, err := b.JoinRequest(ctx, inv.Code)
	if err != nil {
		t.Fatal(err)
	}
	welcome, err := a.Admit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AcceptWelcome(ctx, welcome); err != nil {
		t.Fatal(err)
	}
	return space
}
