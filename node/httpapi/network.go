package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/weftsync/weft/node"
)

// syncWait bounds POST /api/sync, as weft sync's --wait does.
const syncWait = 30 * time.Second

// syncResult is what POST /api/sync answers: the connected peers with
// their last pull and state, and whether every pull completed with nothing
// pending either way.
type syncResult struct {
	Complete bool            `json:"complete"`
	Message  string          `json:"message,omitempty"`
	Peers    []node.PeerInfo `json:"peers"`
}

func (s *Server) networkRoutes(mux *http.ServeMux) {
	handle(mux, "GET /api/status", http.StatusOK, func(r *http.Request) (any, error) {
		return s.b.Status(r.Context())
	})
	handle(mux, "GET /api/peers", http.StatusOK, func(r *http.Request) (any, error) {
		peers, err := s.b.Peers(r.Context())
		return nonNil(peers), err
	})
	handle(mux, "POST /api/sync", http.StatusOK, func(r *http.Request) (any, error) {
		return s.syncNow(r.Context())
	})
}

// syncRetry is the pause between two rounds of POST /api/sync.
const syncRetry = 500 * time.Millisecond

// syncNow pulls from every connected member, in rounds, as weft sync does,
// until nothing is pending either way with any of them or syncWait is
// over. A pull that failed for some peers is reported in the answer, not as
// an error; complete is true only when every pull completed and nothing is
// pending either way.
func (s *Server) syncNow(ctx context.Context) (syncResult, error) {
	ctx, cancel := context.WithTimeout(ctx, syncWait)
	defer cancel()
	for {
		pullErr := s.b.SyncNow(ctx)
		if errors.Is(pullErr, node.ErrNotServing) {
			return syncResult{}, pullErr
		}
		peers, err := s.b.Peers(context.WithoutCancel(ctx))
		if err != nil {
			return syncResult{}, err
		}
		res := syncOutcome(peers, pullErr)
		if res.Complete || len(res.Peers) == 0 || !pause(ctx, syncRetry) {
			return res, nil
		}
	}
}

// syncOutcome reads one round of POST /api/sync from the peers' state.
func syncOutcome(peers []node.PeerInfo, pullErr error) syncResult {
	res := syncResult{Complete: pullErr == nil, Peers: []node.PeerInfo{}}
	if pullErr != nil {
		res.Message = pullErr.Error()
	}
	pending := 0
	for _, p := range peers {
		if !p.Connected {
			continue
		}
		res.Peers = append(res.Peers, p)
		if p.LastPull == nil || !p.LastPull.Complete {
			res.Complete = false
		}
		for _, st := range p.State {
			if st.Pending() {
				pending++
			}
		}
	}
	switch {
	case len(res.Peers) == 0:
		res.Complete, res.Message = false, "no member is connected: nothing was synced"
	case pending > 0:
		res.Complete = false
		if res.Message == "" {
			res.Message = fmt.Sprintf("still pending either way with %d member space(s): GET /api/peers says what", pending)
		}
	}
	return res
}

// pause waits d, or less if ctx ends first; it reports whether it waited
// all of d.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
