package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/weftsync/weft/node"
)

// syncWait bounds POST /api/sync, as weft sync's --wait does.
const syncWait = 30 * time.Second

// syncResult is what POST /api/sync answers: the connected peers with
// their last pull, and whether every pull completed.
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

// syncNow pulls from every connected member, as weft sync does; a pull that
// failed for some peers is reported in the answer, not as an error.
func (s *Server) syncNow(ctx context.Context) (syncResult, error) {
	ctx, cancel := context.WithTimeout(ctx, syncWait)
	defer cancel()
	pullErr := s.b.SyncNow(ctx)
	if errors.Is(pullErr, node.ErrNotServing) {
		return syncResult{}, pullErr
	}
	peers, err := s.b.Peers(context.WithoutCancel(ctx))
	if err != nil {
		return syncResult{}, err
	}
	res := syncResult{Complete: pullErr == nil, Peers: []node.PeerInfo{}}
	if pullErr != nil {
		res.Message = pullErr.Error()
	}
	for _, p := range peers {
		if !p.Connected {
			continue
		}
		res.Peers = append(res.Peers, p)
		if p.LastPull == nil || !p.LastPull.Complete {
			res.Complete = false
		}
	}
	if len(res.Peers) == 0 {
		res.Complete, res.Message = false, "no member is connected: nothing was synced"
	}
	return res, nil
}
