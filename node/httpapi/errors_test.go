package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestErrorMapping(t *testing.T) {
	a := startAPI(t)
	sp := "/api/spaces/" + a.newSpace("Coalition")
	a.newSpace("Coalition") // a second space of the same name
	const unknownID = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, method, path string
		body               any
		code               int
		kind, says         string
	}{
		{"bad date", "POST", sp + "/events", map[string]any{"title": "T", "start": "2026-02-30T10:00:00Z"},
			400, "invalid", "2026-02-30"},
		{"wall time without zone", "POST", sp + "/events", map[string]any{"title": "T", "start": "2026-12-01 18:00"},
			400, "invalid", "zone"},
		{"unknown zone", "POST", sp + "/events", map[string]any{"title": "T", "start": "2026-12-01 18:00", "zone": "Mars/Olympus"},
			400, "invalid", "Mars/Olympus"},
		{"bad kind", "POST", sp + "/events", map[string]any{"title": "T", "start": "2026-12-01T18:00:00Z", "kind": "party"},
			400, "invalid", "party"},
		{"end before start", "POST", sp + "/events", map[string]any{"title": "T", "start": "2026-12-01T18:00:00Z", "end": "2026-12-01T17:00:00Z"},
			400, "invalid", "before"},
		{"no title", "POST", sp + "/events", map[string]any{"start": "2026-12-01T18:00:00Z"}, 400, "invalid", "title"},
		{"unknown field", "POST", sp + "/events", map[string]any{"title": "T", "start": "2026-12-01T18:00:00Z", "colour": "red"},
			400, "invalid", "colour"},
		{"not JSON", "POST", sp + "/events", []byte("{title"), 400, "invalid", "request body"},
		{"empty body", "POST", sp + "/events", []byte(""), 400, "invalid", "empty"},
		{"bad amount", "POST", sp + "/ledger", map[string]any{"amount": "1.234", "currency": "EUR", "direction": "in"},
			400, "invalid", "1.234"},
		{"bad ledger date", "POST", sp + "/ledger", map[string]any{"amount": "1", "currency": "EUR", "direction": "in", "date": "26/11/2026"},
			400, "invalid", "26/11/2026"},
		{"unknown event", "GET", sp + "/events/" + unknownID, nil, 404, "not_found", ""},
		{"edit unknown event", "PATCH", sp + "/events/" + unknownID, map[string]any{"title": "X"}, 404, "not_found", ""},
		{"unknown case", "GET", sp + "/cases/" + unknownID, nil, 404, "not_found", ""},
		{"reverse unknown entry", "POST", sp + "/ledger/" + unknownID + "/reverse", map[string]any{}, 404, "not_found", ""},
		{"unknown space", "GET", "/api/spaces/" + unknownID + "/events", nil, 404, "not_found", ""},
		{"ambiguous space name", "GET", "/api/spaces/Coalition/events", nil, 409, "ambiguous", ""},
		{"unknown route", "GET", "/api/nothing", nil, 404, "not_found", "docs/api.md"},
		{"wrong method", "DELETE", sp + "/events", nil, 404, "not_found", "DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := a.req(tt.method, tt.path, tt.body)
			if tt.method == "DELETE" {
				req.Header.Set("Content-Type", "application/json")
			}
			code, body := a.send(req)
			wantError(t, code, body, tt.code, tt.kind)
			if !strings.Contains(string(body), tt.says) {
				t.Fatalf("message does not say %q: %s", tt.says, body)
			}
		})
	}
	var list []any
	a.call("GET", sp+"/events", nil, http.StatusOK, &list)
	if len(list) != 0 {
		t.Fatalf("refused events were stored: %v", list)
	}
}
