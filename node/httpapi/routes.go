package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/weftsync/weft/node"
)

// changesPath is the change stream's route (changes.go).
const changesPath = "/api/changes"

// Handler is the API with every check in front of it, for an http.Server
// or a test. Serve uses it.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", index)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeErrorKind(w, http.StatusNotFound, kindNotFound, "no route "+r.Method+" "+r.URL.Path+": docs/api.md lists them")
	})
	mux.HandleFunc("GET "+changesPath, s.changes)
	s.networkRoutes(mux)
	s.spaceRoutes(mux)
	s.eventRoutes(mux)
	s.caseRoutes(mux)
	s.ledgerRoutes(mux)
	return s.guard(mux)
}

// index says the API runs; the web UI will live here.
func index(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'")
	io.WriteString(w, "<!doctype html><meta charset=utf-8><title>weft</title>"+
		"<p>weft's local API is running. Its routes are under /api/ and need the token that "+
		"<code>weft ui</code> prints.</p>\n")
}

// handle registers a route answering with fn's value as JSON (status ok).
func handle(mux *http.ServeMux, pattern string, ok int, fn func(r *http.Request) (any, error)) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(r)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, ok, v)
	})
}

// inSpace registers a route under /api/spaces/{space}/ whose space is
// resolved (ID, name or ID prefix, as the CLI's SPACE) before fn runs.
func (s *Server) inSpace(mux *http.ServeMux, method, rest string, ok int, fn func(r *http.Request, sp node.Space) (any, error)) {
	handle(mux, method+" /api/spaces/{space}"+rest, ok, func(r *http.Request) (any, error) {
		sp, err := s.b.ResolveSpace(r.Context(), r.PathValue("space"))
		if err != nil {
			return nil, err
		}
		return fn(r, sp)
	})
}

// decode reads r's JSON body into v, refusing unknown fields and trailing
// data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return invalidf("request body: empty: send a JSON object")
		}
		return invalidf("request body: %v", err)
	}
	if dec.More() {
		return invalidf("request body: more than one JSON value")
	}
	return nil
}

// idOnly is the answer of a route that made or changed one thing.
type idOnly struct {
	ID string `json:"id"`
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
