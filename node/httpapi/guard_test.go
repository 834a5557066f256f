package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestTokenRequired(t *testing.T) {
	a := startAPI(t)
	tests := []struct {
		name   string
		path   string
		header string
		want   int
	}{
		{"no token", "/api/status", "", http.StatusUnauthorized},
		{"wrong token", "/api/status", "Bearer " + strings.Repeat("x", len(a.token)), http.StatusUnauthorized},
		{"token without Bearer", "/api/status", a.token, http.StatusUnauthorized},
		{"token as query off the change stream", "/api/status?access_token=" + a.token, "", http.StatusUnauthorized},
		{"unknown route without token", "/api/nothing", "", http.StatusUnauthorized},
		{"right token", "/api/status", "Bearer " + a.token, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := a.req("GET", tt.path, nil)
			req.Header.Del("Authorization")
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			code, body := a.send(req)
			if tt.want != http.StatusOK {
				wantError(t, code, body, tt.want, "unauthorized")
				return
			}
			if code != tt.want || !contains(body, `"peer_id"`) {
				t.Fatalf("status %d: %s", code, body)
			}
		})
	}
}

func TestHostHeader(t *testing.T) {
	a := startAPI(t)
	port := a.base[strings.LastIndex(a.base, ":")+1:]
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:" + port, true},
		{"localhost:" + port, true},
		{"LOCALHOST.:" + port, true},
		{"[::1]:" + port, true},
		{"localhost", true},
		{"attacker.example:" + port, false}, // a DNS-rebinding page keeps its own name
		{"attacker.example", false},
		{"localhost.attacker.example:" + port, false},
		{"192.168.1.20:" + port, false}, // the server listens on loopback only
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			req := a.req("GET", "/api/spaces", nil)
			req.Host = tt.host
			code, body := a.send(req)
			if !tt.ok {
				wantError(t, code, body, http.StatusForbidden, "forbidden")
				return
			}
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
		})
	}
	t.Run("index too", func(t *testing.T) {
		req := a.req("GET", "/", nil)
		req.Host = "attacker.example:" + port
		if code, _ := a.send(req); code != http.StatusForbidden {
			t.Fatalf("index for a foreign Host: status %d", code)
		}
	})
}

func TestCrossOriginRefused(t *testing.T) {
	a := startAPI(t)
	body := map[string]string{"name": "Coalition"}
	tests := []struct {
		name    string
		headers map[string]string
		want    int
		kind    string
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, "forbidden"},
		{"same-site other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden, "forbidden"},
		{"foreign Origin, old browser", map[string]string{"Origin": "http://attacker.example"}, http.StatusForbidden, "forbidden"},
		{"form content type", map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"no content type", map[string]string{"Content-Type": ""}, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": a.base}, http.StatusCreated, ""},
		{"a program, no browser headers", nil, http.StatusCreated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := a.req("POST", "/api/spaces", body)
			for k, v := range tt.headers {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			code, b := a.send(req)
			if tt.kind != "" {
				wantError(t, code, b, tt.want, tt.kind)
			} else if code != tt.want {
				t.Fatalf("status %d: %s", code, b)
			}
		})
	}
	var spaces []struct{ Name string }
	a.call("GET", "/api/spaces", nil, http.StatusOK, &spaces)
	if len(spaces) != 2 { // only the two allowed requests made one
		t.Fatalf("spaces after the refused requests: %+v", spaces)
	}
}

func TestBodyLimit(t *testing.T) {
	a := startAPI(t)
	var sp struct{ ID string }
	a.call("POST", "/api/spaces", map[string]string{"name": "Coalition"}, http.StatusCreated, &sp)
	huge := map[string]string{"title": "Too long", "body": strings.Repeat("a", 1<<20)}
	code, body := a.send(a.req("POST", "/api/spaces/"+sp.ID+"/cases", huge))
	wantError(t, code, body, http.StatusRequestEntityTooLarge, "too_large")

	// Under the limit but over a text field's own limit: refused by the node.
	big := map[string]string{"title": "Long", "body": strings.Repeat("a", 300<<10)}
	code, body = a.send(a.req("POST", "/api/spaces/"+sp.ID+"/cases", big))
	wantError(t, code, body, http.StatusBadRequest, "invalid")

	var cases []any
	a.call("GET", "/api/spaces/"+sp.ID+"/cases", nil, http.StatusOK, &cases)
	if len(cases) != 0 {
		t.Fatalf("a refused case was stored: %v", cases)
	}
}

func TestIndexNeedsNoToken(t *testing.T) {
	a := startAPI(t)
	req := a.req("GET", "/", nil)
	req.Header.Del("Authorization")
	code, body := a.send(req)
	if code != http.StatusOK || !contains(body, "API is running") || contains(body, a.token) {
		t.Fatalf("index: %d %s", code, body)
	}
}
