package httpapi

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// eventInput is the body of POST and PATCH on events: the fields given
// are set, the others left alone (or defaulted, for a new event). Times
// are RFC 3339 with an offset, or wall-clock times ("2026-12-01 18:00")
// with a zone; dates (YYYY-MM-DD) when all_day.
type eventInput struct {
	Calendar    string    `json:"calendar"` // POST only: name or ID ("" for the first)
	Title       *string   `json:"title"`
	Start       *string   `json:"start"`
	End         *string   `json:"end"`
	Zone        *string   `json:"zone"`
	AllDay      *bool     `json:"all_day"`
	Kind        *string   `json:"kind"`
	Status      *string   `json:"status"`
	Place       *string   `json:"place"`
	Online      *string   `json:"online"`
	Description *string   `json:"description"`
	Languages   *[]string `json:"languages"`
}

func (s *Server) eventRoutes(mux *http.ServeMux) {
	s.inSpace(mux, "GET", "/calendars", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		cals, err := s.b.Calendars(r.Context(), sp)
		return nonNil(cals), err
	})
	s.inSpace(mux, "POST", "/calendars", http.StatusCreated, func(r *http.Request, sp node.Space) (any, error) {
		var in nameInput
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		if strings.TrimSpace(in.Name) == "" {
			return nil, invalidf("name is required")
		}
		return s.b.CreateCalendar(r.Context(), sp, in.Name)
	})
	s.inSpace(mux, "GET", "/events", http.StatusOK, s.listEvents)
	s.inSpace(mux, "POST", "/events", http.StatusCreated, s.addEvent)
	s.inSpace(mux, "GET", "/events/{id}", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		return s.b.Event(r.Context(), sp, r.PathValue("id"))
	})
	s.inSpace(mux, "PATCH", "/events/{id}", http.StatusOK, s.editEvent)
	s.inSpace(mux, "POST", "/events/{id}/cancel", http.StatusOK, s.cancelEvent)
}

// listEvents lists events as weft event list does: ?calendar=, ?from= and
// ?to= (dates or times, read in ?zone=, UTC by default), ?expand=true.
func (s *Server) listEvents(r *http.Request, sp node.Space) (any, error) {
	q := r.URL.Query()
	loc := time.UTC
	if z := q.Get("zone"); z != "" {
		var err error
		if loc, err = time.LoadLocation(z); err != nil || z == "Local" {
			return nil, invalidf("zone %q: use an IANA name such as Europe/Paris", z)
		}
	}
	from, to, err := model.ParseRange(q.Get("from"), q.Get("to"), loc)
	if err != nil {
		return nil, err
	}
	expand := false
	if v := q.Get("expand"); v != "" {
		if expand, err = strconv.ParseBool(v); err != nil {
			return nil, invalidf("expand %q: give true or false", v)
		}
	}
	evs, err := s.b.Events(r.Context(), sp, q.Get("calendar"))
	if err != nil {
		return nil, err
	}
	evs, err = node.SelectEvents(evs, from, to, expand)
	return nonNil(evs), err
}

func (s *Server) addEvent(r *http.Request, sp node.Space) (any, error) {
	var in eventInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	ev, err := in.event()
	if err != nil {
		return nil, err
	}
	id, err := s.b.AddEvent(r.Context(), sp, in.Calendar, ev)
	return idOnly{id}, err
}

// event builds a new event from the input.
func (in eventInput) event() (model.Event, error) {
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		return model.Event{}, invalidf("title is required")
	}
	if in.Start == nil || *in.Start == "" {
		return model.Event{}, invalidf("start is required")
	}
	ev := model.Event{Title: *in.Title, Kind: deref(in.Kind, "other"), Status: deref(in.Status, "planned"),
		AllDay: in.AllDay != nil && *in.AllDay, Zone: deref(in.Zone, ""), Place: deref(in.Place, ""),
		Online: deref(in.Online, ""), Description: deref(in.Description, ""), Languages: []string{}}
	if in.Languages != nil {
		ev.Languages = nonNil(*in.Languages)
	}
	var err error
	ev.Start, ev.End, err = eventTimes(*in.Start, deref(in.End, ""), ev.Zone, ev.AllDay)
	return ev, err
}

func (s *Server) editEvent(r *http.Request, sp node.Space) (any, error) {
	var in eventInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Calendar != "" {
		return nil, invalidf("calendar: an event cannot move to another calendar")
	}
	ev, err := s.b.Event(r.Context(), sp, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p, err := in.patch(ev.Event)
	if err != nil {
		return nil, err
	}
	return idOnly{ev.ID}, s.b.PatchEvent(r.Context(), sp, p)
}

// patch turns the input into a per-field edit of ev; new times are read
// with the event's stored fields for those not given.
func (in eventInput) patch(ev model.Event) (model.EventPatch, error) {
	p := model.EventPatch{ID: ev.ID, Title: in.Title, Kind: in.Kind, Status: in.Status, Place: in.Place,
		Online: in.Online, Description: in.Description, Languages: in.Languages}
	if in.Start != nil || in.End != nil || in.Zone != nil || in.AllDay != nil {
		allDay, zone := deref(in.AllDay, ev.AllDay), deref(in.Zone, ev.Zone)
		start, end, err := eventTimes(deref(in.Start, ev.Start), deref(in.End, ev.End), zone, allDay)
		if err != nil {
			return p, err
		}
		p.Start, p.End, p.Zone, p.AllDay = &start, &end, &zone, &allDay
	}
	if reflect.DeepEqual(p, model.EventPatch{ID: ev.ID}) {
		return p, invalidf("nothing to change: give at least one field")
	}
	return p, nil
}

func (s *Server) cancelEvent(r *http.Request, sp node.Space) (any, error) {
	ev, err := s.b.Event(r.Context(), sp, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	status := "cancelled"
	err = s.b.PatchEvent(r.Context(), sp, model.EventPatch{ID: ev.ID, Status: &status})
	return map[string]string{"id": ev.ID, "status": status}, err
}

// eventTimes reads start and end in their stored form: RFC 3339 with an
// offset, or dates for an all-day event (end exclusive, a day after start
// when not given). A wall-clock time needs a zone: the API does not guess
// the browser's.
func eventTimes(start, end, zone string, allDay bool) (string, string, error) {
	if allDay {
		return allDayTimes(start, end)
	}
	st, err := parseTime("start", start, zone)
	if err != nil || end == "" {
		return st.Format(time.RFC3339), "", err
	}
	et, err := parseTime("end", end, zone)
	if err != nil {
		return "", "", err
	}
	if et.Before(st) {
		return "", "", invalidf("end %s is before start %s", end, start)
	}
	return st.Format(time.RFC3339), et.Format(time.RFC3339), nil
}

func parseTime(field, s, zone string) (time.Time, error) {
	t, used, err := model.ParseTime(s, zone, nil)
	if err != nil {
		return t, invalidf("%s: %v", field, err)
	}
	if zone == "" && used != "" {
		return t, invalidf("%s %q has no offset and no zone: add an offset (+01:00) or give zone", field, s)
	}
	return t, nil
}

func allDayTimes(start, end string) (string, string, error) {
	sd, err := model.ParseDay(start)
	if err != nil {
		return "", "", invalidf("start: %v", err)
	}
	ed := sd.AddDate(0, 0, 1)
	if end != "" {
		if ed, err = model.ParseDay(end); err != nil {
			return "", "", invalidf("end: %v", err)
		}
		if !ed.After(sd) {
			return "", "", invalidf("end must be after start for an all-day event (the end date is exclusive)")
		}
	}
	return sd.Format(time.DateOnly), ed.Format(time.DateOnly), nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
