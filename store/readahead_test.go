package store

import (
	"reflect"
	"testing"
)

// TestDocsAmongReadsAhead: DocsAmong leaves in the transaction's cache,
// for every document asked, the manifest (or its absence) and whether a
// change may be held that loadManifest and mayHold read one by one, and
// keeps what the transaction changed already; changes stored after it
// leave manifests that verify.
func TestDocsAmongReadsAhead(t *testing.T) {
	db := manyDocsFixture(t)
	update(t, db, func(tx *Tx) error {
		out, err := tx.AddChange(ch("d3", "3x", "E", 1, 1, 1, "nowhere")) // held: its dependency is missing
		if err != nil || out.Outcome != Held {
			t.Fatalf("add a change with a missing dependency = %v, %v; want it held", out, err)
		}
		return nil
	})
	ids := []string{"d1", "d2", "d3", "x", "nope"}
	type want struct {
		m     manifest
		found bool
		held  bool
	}
	fresh := map[string]want{} // as loadManifest and mayHold read them, with no cache
	view(t, db, func(tx *Tx) error {
		for _, id := range ids {
			m, found, err := tx.loadManifest(tx.index(id))
			if err != nil {
				return err
			}
			held, err := tx.mayHold(tx.index(id))
			if err != nil {
				return err
			}
			fresh[id] = want{m, found, held}
		}
		return nil
	})
	if !fresh["d1"].found || fresh["nope"].found || !fresh["d3"].held || fresh["d1"].held {
		t.Fatalf("fixture: %+v; want d1 with a manifest, d3 with a held change", fresh)
	}
	update(t, db, func(tx *Tx) error {
		if _, err := tx.AddChange(ch("d1", "1d", "A", 3, 5, 1, "1c")); err != nil { // changes d1's manifest first
			return err
		}
		changed := tx.cached().manifests[string(tx.index("d1"))]
		if _, err := tx.DocsAmong(ids); err != nil {
			return err
		}
		c := tx.cached()
		for _, id := range ids {
			key := string(tx.index(id))
			if id == "d1" {
				if !reflect.DeepEqual(c.manifests[key], changed) || changed.Count != fresh["d1"].m.Count+1 {
					t.Errorf("d1: the transaction's own manifest was replaced")
				}
				if h, ok := c.held[key]; !ok || h {
					t.Errorf("d1: held read ahead %v (%v), want false", h, ok)
				}
				continue
			}
			l, ok := c.loaded[key]
			if !ok || l.found != fresh[id].found || !reflect.DeepEqual(l.m, fresh[id].m) {
				t.Errorf("%s: read ahead %+v (%v), want %+v", id, l, ok, fresh[id])
			}
			if h, ok := c.held[key]; !ok || h != fresh[id].held {
				t.Errorf("%s: held read ahead %v (%v), want %v", id, h, ok, fresh[id].held)
			}
		}
		for _, c := range []Change{ch("d1", "1e", "B", 2, 6, 1, "1d"), ch("nope", "n1", "F", 1, 1, 1)} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		for _, id := range []string{"d1", "nope"} {
			if err := tx.VerifyManifest(id); err != nil {
				t.Errorf("%s after the read ahead: %v", id, err)
			}
		}
		return nil
	})
}
