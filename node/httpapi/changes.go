package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/weftsync/weft/node"
)

// heartbeat is how often an idle change stream sends a comment, so that
// proxies and browsers keep it open and a gone client is noticed.
const heartbeat = 25 * time.Second

// changeEvent is the data of one "change" event on the stream.
type changeEvent struct {
	Docs []node.ChangedDoc `json:"docs"`
}

// changes streams Server-Sent Events: "ready" once subscribed, then a
// "change" event naming the documents that changed (by a local edit or
// from a peer) each time some did. Changes made while one event is being
// written are gathered into the next. The stream ends when the client
// goes or the server stops (s.quit).
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil { // lives past the server's write timeout
		writeError(w, fmt.Errorf("httpapi: change stream: %w", err))
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() { // ends with the request
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	sub := s.b.WatchChanges()
	defer sub.Close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\nevent: ready\ndata: {}\n\n")
	if rc.Flush() != nil {
		return
	}
	for id := 1; ; id++ {
		docs, err := nextChange(ctx, sub)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprint(w, ": keep-alive\n\n")
		case err != nil:
			s.log.Warn("change stream: read changed documents", "err", err)
			return
		default:
			b, _ := json.Marshal(changeEvent{Docs: docs})
			fmt.Fprintf(w, "id: %d\nevent: change\ndata: %s\n\n", id, b)
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// nextChange waits for changed documents at most a heartbeat.
func nextChange(ctx context.Context, sub *node.Changes) ([]node.ChangedDoc, error) {
	ctx, cancel := context.WithTimeout(ctx, heartbeat)
	defer cancel()
	return sub.Next(ctx)
}
