package ledgerhist_test

import (
	"reflect"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/node/ledgerhist"
)

// entryMap returns the map at index i of d's entries.
func (s *sim) entryMap(d *am.Doc, i int) *am.Map {
	v, err := s.list(d).Get(i)
	s.must(err)
	return v.Map()
}

func TestHistoryCases(t *testing.T) {
	ev := func(c int, id, action, field string) ledgerhist.Event {
		return ledgerhist.Event{Change: c, EntryID: id, Action: action, Field: field}
	}
	tests := []struct {
		name  string
		build func(s *sim)
		want  []ledgerhist.Event
	}{
		{"appends", func(s *sim) {
			s.append(s.docs[0])
			s.commit(s.docs[0])
			s.append(s.docs[0])
			s.commit(s.docs[0])
		}, []ledgerhist.Event{ev(1, "e0001", "recorded", ""), ev(2, "e0002", "recorded", "")}},
		{"a concurrent overwrite with an identical value is not altered", func(s *sim) {
			a, b := s.docs[0], s.docs[1]
			s.append(a)
			s.commit(a)
			_, err := b.Merge(a)
			s.must(err)
			s.must(s.entryMap(a, 0).Set("memo", "same"))
			s.commit(a)
			s.must(s.entryMap(b, 0).Set("memo", "same"))
			s.commit(b)
		}, []ledgerhist.Event{ev(1, "e0001", "recorded", ""), ev(2, "e0001", "altered", "memo")}},
		{"an entry re-set wholesale with identical fields is not altered", func(s *sim) {
			d := s.docs[0]
			s.must(s.list(d).Append(map[string]any{"id": "x", "memo": "m"}))
			s.commit(d)
			s.must(s.list(d).Set(0, map[string]any{"id": "x", "memo": "m"}))
			s.commit(d)
		}, []ledgerhist.Event{ev(1, "x", "recorded", "")}},
		{"concurrent appends and a delete", func(s *sim) {
			a, b := s.docs[0], s.docs[1]
			s.append(a)
			s.commit(a)
			s.append(b)
			s.commit(b)
			_, err := a.Merge(b)
			s.must(err)
			s.must(s.list(a).Delete(0))
			s.commit(a)
		}, nil}, // compared with the engine only: which entry is first depends on actor order
		{"entries list replaced", func(s *sim) {
			d := s.docs[0]
			s.append(d)
			s.commit(d)
			s.must(d.RootMap().Set("entries", am.NewList()))
			s.commit(d)
		}, []ledgerhist.Event{ev(1, "e0001", "recorded", ""), ev(2, "e0001", "deleted", "")}},
		{"entry re-set wholesale, then restored", func(s *sim) {
			d := s.docs[0]
			s.append(d)
			s.commit(d)
			s.must(s.list(d).Set(0, am.NewMap()))
			s.must(s.entryMap(d, 0).Set("id", "e0001"))
			s.commit(d)
			s.must(s.list(d).Delete(0))
			s.commit(d)
			s.must(s.list(d).Append(map[string]any{"id": "e0001"}))
			s.commit(d)
		}, []ledgerhist.Event{ev(1, "e0001", "recorded", ""),
			ev(2, "e0001", "altered", "amount_minor"), ev(2, "e0001", "altered", "category"),
			ev(2, "e0001", "altered", "currency"), ev(2, "e0001", "altered", "date"),
			ev(2, "e0001", "altered", "direction"), ev(2, "e0001", "altered", "from"),
			ev(2, "e0001", "altered", "memo"), ev(2, "e0001", "altered", "to"),
			ev(3, "e0001", "deleted", ""), ev(4, "e0001", "restored", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, 1, 2)
			tt.build(s)
			chs := s.changes()
			got, err := ledgerhist.History(chs)
			if err != nil {
				t.Fatal(err)
			}
			want, err := engineHistory(t, chs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("differs from the engine:\n got %v\nwant %v", got, want)
			}
			if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("events:\n got %v\nwant %v", got, tt.want)
			}
			if tt.want == nil && len(got) != 3 {
				t.Errorf("events %v: want two recorded, one deleted", got)
			}
		})
	}
}
