package httpapi

import (
	"net/http"
	"strings"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// caseInput is the body of POST and PATCH on case studies. Title and body
// are in lang (default en); PATCH with another lang adds a translation,
// as weft case translate does.
type caseInput struct {
	Lang     string    `json:"lang"`
	Title    *string   `json:"title"`
	Body     *string   `json:"body"`
	Summary  *string   `json:"summary"`
	Region   *string   `json:"region"`
	Period   *string   `json:"period"`
	Outcomes *string   `json:"outcomes"`
	Lessons  *string   `json:"lessons"`
	Tags     *[]string `json:"tags"`
	Sources  *[]string `json:"sources"`
}

func (s *Server) caseRoutes(mux *http.ServeMux) {
	s.inSpace(mux, "GET", "/cases", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		cases, err := s.b.Cases(r.Context(), sp)
		return nonNil(cases), err
	})
	s.inSpace(mux, "POST", "/cases", http.StatusCreated, s.addCase)
	s.inSpace(mux, "GET", "/cases/search", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		q := r.URL.Query().Get("q")
		if strings.TrimSpace(q) == "" {
			return nil, invalidf("q is required: the words to search for")
		}
		hits, err := s.b.SearchCases(r.Context(), sp, q)
		return nonNil(hits), err
	})
	s.inSpace(mux, "GET", "/cases/{id}", http.StatusOK, func(r *http.Request, sp node.Space) (any, error) {
		return s.b.Case(r.Context(), sp, r.PathValue("id"))
	})
	s.inSpace(mux, "PATCH", "/cases/{id}", http.StatusOK, s.editCase)
}

func (s *Server) addCase(r *http.Request, sp node.Space) (any, error) {
	var in caseInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		return nil, invalidf("title is required")
	}
	lang := orDefault(in.Lang, "en")
	c := model.CaseStudy{Titles: map[string]string{lang: *in.Title}, Bodies: map[string]string{lang: deref(in.Body, "")},
		Summary: deref(in.Summary, ""), Region: deref(in.Region, ""), Period: deref(in.Period, ""),
		Outcomes: deref(in.Outcomes, ""), Lessons: deref(in.Lessons, ""),
		Tags: nonNil(deref(in.Tags, nil)), Sources: nonNil(deref(in.Sources, nil))}
	id, err := s.b.AddCase(r.Context(), sp, c)
	return idOnly{id}, err
}

func (s *Server) editCase(r *http.Request, sp node.Space) (any, error) {
	var in caseInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	p := model.CasePatch{Lang: orDefault(in.Lang, "en"), Title: in.Title, Body: in.Body, Summary: in.Summary,
		Region: in.Region, Period: in.Period, Outcomes: in.Outcomes, Lessons: in.Lessons, Tags: in.Tags,
		Sources: in.Sources}
	if p == (model.CasePatch{Lang: p.Lang}) {
		return nil, invalidf("nothing to change: give at least one field")
	}
	c, err := s.b.Case(r.Context(), sp, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return idOnly{c.ID}, s.b.PatchCase(r.Context(), sp, c.ID, p)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
