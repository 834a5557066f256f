package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"
)

type idAnswer struct {
	ID string `json:"id"`
}

// newSpace creates a space over the API and returns its ID.
func (a *api) newSpace(name string) string {
	a.t.Helper()
	var sp struct{ ID, Name string }
	a.call("POST", "/api/spaces", map[string]string{"name": name}, http.StatusCreated, &sp)
	if sp.ID == "" || sp.Name != name {
		a.t.Fatalf("created space %+v", sp)
	}
	return sp.ID
}

type eventJSON struct {
	ID, Title, Start, End, Zone, Status, Kind, Calendar string
	Languages                                           []string
}

func TestEventRoundTrip(t *testing.T) {
	a := startAPI(t)
	sp := "/api/spaces/" + a.newSpace("Climate Coalition")
	var id idAnswer
	a.call("POST", sp+"/events", map[string]any{"title": "Kick-off", "start": "2026-12-01T18:00:00+01:00",
		"kind": "meeting", "languages": []string{"fr", "en"}}, http.StatusCreated, &id)

	var list []eventJSON
	a.call("GET", sp+"/events", nil, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != id.ID || list[0].Title != "Kick-off" || list[0].Kind != "meeting" ||
		list[0].Status != "planned" || list[0].Calendar == "" {
		t.Fatalf("events = %+v", list)
	}

	// A wall-clock time with its zone; the fields not given stay.
	a.call("PATCH", sp+"/events/"+id.ID, map[string]any{"title": "Kick-off meeting", "start": "2026-12-01 19:00",
		"zone": "Europe/Paris"}, http.StatusOK, nil)
	var ev eventJSON
	a.call("GET", sp+"/events/"+id.ID[:8], nil, http.StatusOK, &ev) // an ID prefix, as the CLI takes
	if ev.Title != "Kick-off meeting" || ev.Start != "2026-12-01T19:00:00+01:00" || ev.Zone != "Europe/Paris" ||
		ev.Kind != "meeting" || len(ev.Languages) != 2 {
		t.Fatalf("after edit: %+v", ev)
	}

	a.call("POST", sp+"/events/"+id.ID+"/cancel", map[string]any{}, http.StatusOK, nil)
	a.call("GET", sp+"/events/"+id.ID, nil, http.StatusOK, &ev)
	if ev.Status != "cancelled" {
		t.Fatalf("after cancel: status %q", ev.Status)
	}

	// The range filter: an event outside it is left out.
	a.call("GET", sp+"/events?"+url.Values{"from": {"2027-01-01"}}.Encode(), nil, http.StatusOK, &list)
	if len(list) != 0 {
		t.Fatalf("events from 2027: %+v", list)
	}
}

func TestCaseRoundTrip(t *testing.T) {
	a := startAPI(t)
	sp := "/api/spaces/" + a.newSpace("Coalition")
	var id idAnswer
	a.call("POST", sp+"/cases", map[string]any{"title": "Rent strike", "body": "First paragraph.",
		"tags": []string{"housing"}}, http.StatusCreated, &id)
	a.call("PATCH", sp+"/cases/"+id.ID, map[string]any{"body": "First paragraph, revised."}, http.StatusOK, nil)
	a.call("PATCH", sp+"/cases/"+id.ID, map[string]any{"lang": "es", "title": "Huelga de alquileres",
		"body": "Primer párrafo."}, http.StatusOK, nil)

	var c struct {
		ID             string
		Titles, Bodies map[string]string
		Tags           []string
	}
	a.call("GET", sp+"/cases/"+id.ID, nil, http.StatusOK, &c)
	if c.Bodies["en"] != "First paragraph, revised." || c.Titles["es"] != "Huelga de alquileres" ||
		c.Bodies["es"] != "Primer párrafo." || len(c.Tags) != 1 {
		t.Fatalf("case = %+v", c)
	}
	var list []struct{ ID string }
	a.call("GET", sp+"/cases", nil, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != id.ID {
		t.Fatalf("cases = %+v", list)
	}
	var hits []struct{ ID, Lang string }
	a.call("GET", sp+"/cases/search?q=p%C3%A1rrafo", nil, http.StatusOK, &hits)
	if len(hits) != 1 || hits[0].ID != id.ID || hits[0].Lang != "es" {
		t.Fatalf("search hits = %+v", hits)
	}
}

func TestLedgerRoundTrip(t *testing.T) {
	a := startAPI(t)
	sp := "/api/spaces/" + a.newSpace("Coalition")
	var in, out idAnswer
	a.call("POST", sp+"/ledger", map[string]any{"amount": "107.50", "currency": "eur", "direction": "in",
		"date": "2026-11-26", "memo": "donation"}, http.StatusCreated, &in)
	a.call("POST", sp+"/ledger", map[string]any{"amount": "7.25", "currency": "EUR", "direction": "out",
		"date": "2026-11-27"}, http.StatusCreated, &out)

	var ents []struct {
		ID, Amount, Currency, Memo, RecordedBy string
		AmountMinor                            int64 `json:"amount_minor"`
		Recorded                               string
	}
	a.call("GET", sp+"/ledger", nil, http.StatusOK, &ents)
	if len(ents) != 2 {
		t.Fatalf("entries = %+v", ents)
	}
	byID := map[string]int{ents[0].ID: 0, ents[1].ID: 1}
	got := ents[byID[in.ID]]
	if got.Amount != "107.50" || got.AmountMinor != 10750 || got.Currency != "EUR" || got.Memo != "donation" {
		t.Fatalf("entry = %+v", got)
	}

	var bals []struct {
		Currency, Balance string
		BalanceMinor      int64 `json:"balance_minor"`
	}
	a.call("GET", sp+"/ledger/balance", nil, http.StatusOK, &bals)
	if len(bals) != 1 || bals[0].Balance != "100.25" || bals[0].BalanceMinor != 10025 {
		t.Fatalf("balance = %+v", bals)
	}

	// Entries are corrected by reversal, never edited.
	var rev idAnswer
	a.call("POST", sp+"/ledger/"+out.ID+"/reverse", map[string]string{"memo": "typo"}, http.StatusCreated, &rev)
	a.call("GET", sp+"/ledger/balance", nil, http.StatusOK, &bals)
	if len(bals) != 1 || bals[0].BalanceMinor != 10750 {
		t.Fatalf("balance after reversal = %+v", bals)
	}
	var findings []any
	a.call("GET", sp+"/ledger/audit", nil, http.StatusOK, &findings)
	if len(findings) != 0 {
		t.Fatalf("audit findings = %v", findings)
	}
	var chain struct {
		Current  string
		Previous []string
	}
	a.call("GET", sp+"/ledger/chain", nil, http.StatusOK, &chain)
	if chain.Current == "" || len(chain.Previous) != 0 {
		t.Fatalf("chain of a ledger never continued = %+v", chain)
	}
}

func TestMembersStatusPeers(t *testing.T) {
	a := startAPI(t)
	sp := a.newSpace("Coalition")
	var members []struct {
		PeerID     string `json:"peer_id"`
		Name, Role string
	}
	a.call("GET", "/api/spaces/Coalition/members", nil, http.StatusOK, &members) // a space by name
	if len(members) != 1 || members[0].Name != "Amina" || members[0].Role != "steward" {
		t.Fatalf("members = %+v", members)
	}
	var st struct {
		PeerID string `json:"peer_id"`
		Spaces []struct{ ID string }
	}
	a.call("GET", "/api/status", nil, http.StatusOK, &st)
	if st.PeerID != members[0].PeerID || len(st.Spaces) != 1 || st.Spaces[0].ID != sp {
		t.Fatalf("status = %+v, members %+v, space %s", st, members, sp)
	}
	var peers []any
	a.call("GET", "/api/peers", nil, http.StatusOK, &peers)
	// The node here runs no network: a sync says so.
	code, body := a.send(a.req("POST", "/api/sync", map[string]any{}))
	wantError(t, code, body, http.StatusServiceUnavailable, "network")
}
