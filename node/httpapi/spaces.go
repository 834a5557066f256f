package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/weftsync/weft/node"
)

// nameInput is the body of the routes that create a named thing.
type nameInput struct {
	Name string `json:"name"`
}

// logLimit is how many changes GET .../log lists unless ?limit= says.
const logLimit = 100

func (s *Server) spaceRoutes(mux *http.ServeMux) {
	handle(mux, "GET /api/spaces", http.StatusOK, func(r *http.Request) (any, error) {
		spaces, err := s.b.Spaces(r.Context())
		return nonNil(spaces), err
	})
	handle(mux, "POST /api/spaces", http.StatusCreated, func(r *http.Request) (any, error) {
		var in nameInput
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		if in.Name == "" {
			return nil, invalidf("name is required")
		}
		return s.b.CreateSpace(r.Context(), in.Name)
	})
	s.inSpace(mux, "GET", "", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		return s.b.SpaceDetail(r.Context(), sp)
	})
	s.inSpace(mux, "GET", "/members", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		d, err := s.b.SpaceDetail(r.Context(), sp)
		return nonNil(d.Members), err
	})
	s.inSpace(mux, "GET", "/log", http.StatusOK, s.spaceLog)
}

// spaceLog lists a space's changes, newest first: ?since= (RFC 3339 or a date,
// UTC) and ?limit= narrow it.
func (s *Server) spaceLog(r *http.Request, sp node.Space) (any, error) {
	q := r.URL.Query()
	limit := logLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, invalidf("limit %q: give a positive number", v)
		}
		limit = n
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, v); err != nil {
			if since, err = time.Parse(time.DateOnly, v); err != nil {
				return nil, invalidf("since %q: give an RFC 3339 time or a date YYYY-MM-DD", v)
			}
		}
	}
	entries, err := s.b.Log(r.Context(), sp, since, limit)
	return nonNil(entries), err
}
