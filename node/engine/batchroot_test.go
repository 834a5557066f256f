package engine_test

import (
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// TestApplyManyRoot: a new document asked for its root (Load, Check and
// Root) is loaded, checked once (one round trip each) and held, and
// answered with its type, space, schema and a calendar's name, without a
// view; a document that does not load is refused and not held, and costs
// no round trip.
func TestApplyManyRoot(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	space := model.NewID()
	cal, err := e.Create(ctx, "cal-src", model.Create{Type: model.Calendar, Space: space, Name: "Assemblies"}, actor(0xa1), at)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := e.Create(ctx, "case-src", model.Create{Type: model.Case, Space: space,
		Case: &model.CaseStudy{ID: model.NewID(), Titles: map[string]string{"en": "Rent strike"}, Summary: "Won", Tags: []string{"housing"}}}, actor(0xa2), at)
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.RoundTrips(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.ApplyMany(ctx, []engine.DocApply{
		{Doc: "cal", Load: true, Actor: actor(0xb1), Changes: cal, Check: true, Root: true},
		{Doc: "case", Load: true, Actor: actor(0xb2), Changes: cs, Check: true, Root: true},
		{Doc: "bad", Load: true, Actor: actor(0xb3), Changes: [][]byte{[]byte("not a change")}, Check: true, Root: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := e.RoundTrips(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := after - before; n != 2 {
		t.Errorf("round trips = %d, want 2 (one per new document that loads)", n)
	}
	for i, tt := range []struct {
		doc, src string
		want     model.Root
	}{
		{"cal", "cal-src", model.Root{Type: model.Calendar, Space: space, Name: "Assemblies"}},
		{"case", "case-src", model.Root{Type: model.Case, Space: space}},
	} {
		r := res[i]
		if err := r.Error(); err != nil || r.Root == nil || r.View != nil || len(r.Heads) != 1 {
			t.Fatalf("%s: %+v, %v; want heads and a root, no view", tt.doc, r, err)
		}
		src, err := e.View(ctx, tt.src)
		if err != nil {
			t.Fatal(err)
		}
		tt.want.Schema = src.Schema
		if tt.want.Schema == 0 {
			t.Fatalf("%s: the source's schema is 0: the test would not see a schema read wrong", tt.src)
		}
		if *r.Root != tt.want {
			t.Errorf("%s: root %+v, want %+v", tt.doc, *r.Root, tt.want)
		}
		held, err := e.View(ctx, tt.doc) // held after the call
		if err != nil || !reflect.DeepEqual(held, src) {
			t.Errorf("%s: held view %+v, %v; want the source's %+v", tt.doc, held, err, src)
		}
	}
	if err := res[2].Error(); err == nil {
		t.Fatal("a garbage change loaded")
	}
	if _, err := e.View(ctx, "bad"); err == nil {
		t.Fatal("the refused document is held")
	}
}
