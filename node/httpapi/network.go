package httpapi

import (
	"net/http"
	"time"
)

// syncWait bounds POST /api/sync, as weft sync's --wait does.
const syncWait = 30 * time.Second

func (s *Server) networkRoutes(mux *http.ServeMux) {
	handle(mux, "GET /api/status", http.StatusOK, func(r *http.Request) (any, error) {
		return s.b.Status(r.Context())
	})
	handle(mux, "GET /api/peers", http.StatusOK, func(r *http.Request) (any, error) {
		peers, err := s.b.Peers(r.Context())
		return nonNil(peers), err
	})
	// POST /api/sync pulls from every connected member, in rounds, until
	// this node is current or syncWait is over, by the rule weft sync uses
	// (node.SyncUntilCurrent, over every space): it answers complete,
	// message and missing (why not complete) and the connected peers. A
	// pull that failed for some peers is in the answer, not an error.
	handle(mux, "POST /api/sync", http.StatusOK, func(r *http.Request) (any, error) {
		return s.b.SyncUntilCurrent(r.Context(), "", syncWait)
	})
}
