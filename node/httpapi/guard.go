package httpapi

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"strings"
)

// maxBody bounds a request body: a case study's body (256 KiB of text)
// with room for JSON escapes and the other fields.
const maxBody = 1 << 20

// hostCheck refuses requests whose Host header names another machine: a
// page on a rebound DNS name reaches 127.0.0.1 with its own name as Host.
type hostCheck struct {
	listenHost   string // the host --http named, lower case
	loopbackOnly bool   // the server listens on a loopback address only
}

func newHostCheck(addr string) hostCheck {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.ToLower(host)
	ip := net.ParseIP(host)
	return hostCheck{listenHost: host, loopbackOnly: host == "localhost" || (ip != nil && ip.IsLoopback())}
}

// allowed reports whether a Host header names this server: localhost, the
// listen address's host, or an IP address (a loopback one when the server
// listens on loopback only). No DNS name but localhost and the one --http
// named passes, which is what defeats DNS rebinding.
func (h hostCheck) allowed(hostHeader string) bool {
	name := hostHeader
	if hn, _, err := net.SplitHostPort(hostHeader); err == nil {
		name = hn
	}
	name = strings.TrimSuffix(strings.ToLower(strings.Trim(name, "[]")), ".")
	switch {
	case name == "":
		return false
	case name == "localhost" || name == h.listenHost:
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && (ip.IsLoopback() || !h.loopbackOnly)
}

// guard wraps the routes with the checks every request passes, in order:
// Host header, cross-origin protection for mutating methods, the token for
// /api/, JSON and a bounded body for requests that send one.
func (s *Server) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorKind(w, http.StatusForbidden, kindForbidden,
			"cross-origin request refused: the API answers only pages it served and programs on this machine")
	}))
	inner := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && !s.authorized(r) {
			writeErrorKind(w, http.StatusUnauthorized, kindUnauthorized,
				"missing or wrong token: send 'Authorization: Bearer TOKEN' (weft ui prints a login URL with it)")
			return
		}
		if mutating(r.Method) && !isJSON(r.Header.Get("Content-Type")) {
			writeErrorKind(w, http.StatusUnsupportedMediaType, kindMediaType,
				"send the request body as JSON with 'Content-Type: application/json'")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		if !s.hosts.allowed(r.Host) {
			writeErrorKind(w, http.StatusForbidden, kindForbidden,
				"Host header "+r.Host+" does not name this machine: use http://127.0.0.1 or http://localhost")
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// authorized reports whether r carries the token: as a bearer token, or,
// on the change stream only, as ?access_token= (EventSource sends no
// headers).
func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch {
	case !ok && r.URL.Path == changesPath:
		tok = r.URL.Query().Get("access_token")
	case !ok:
		tok = ""
	}
	return s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) == 1
}

func mutating(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
