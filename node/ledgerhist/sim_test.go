package ledgerhist_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
)

// sim builds a ledger history with automerge-go: several actors, each
// with its own copy of the document, editing and merging at random.
type sim struct {
	t    testing.TB
	rng  *rand.Rand
	docs []*am.Doc
	next int // entries made so far
	ids  []string
}

// newSim starts a ledger (currency and an empty entries list) and forks it
// to actors copies.
func newSim(t testing.TB, seed uint64, actors int) *sim {
	s := &sim{t: t, rng: rand.New(rand.NewPCG(seed, 7))}
	base := am.New()
	s.must(base.SetActorID(actorHex(0)))
	s.must(base.RootMap().Set("currency", "EUR"))
	s.must(base.RootMap().Set("entries", am.NewList()))
	s.commit(base)
	s.docs = append(s.docs, base)
	for i := 1; i < actors; i++ {
		f, err := base.Fork()
		s.must(err)
		s.must(f.SetActorID(actorHex(i)))
		s.docs = append(s.docs, f)
	}
	return s
}

func actorHex(i int) string { return fmt.Sprintf("%02x%030x", i+1, i+1) }

func (s *sim) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *sim) commit(d *am.Doc) {
	s.t.Helper()
	tm := time.UnixMilli(1700000000000)
	_, err := d.Commit("edit", am.CommitOptions{Time: &tm})
	s.must(err)
}

// list returns d's entries list, or nil when it is not a list.
func (s *sim) list(d *am.Doc) *am.List {
	v, err := d.RootMap().Get("entries")
	s.must(err)
	if v.Kind() != am.KindList {
		return nil
	}
	return v.List()
}

// entryAt returns the map at a random index of d's entries, or nil.
func (s *sim) entryAt(d *am.Doc) (*am.Map, int) {
	l := s.list(d)
	if l == nil || l.Len() == 0 {
		return nil, -1
	}
	i := s.rng.IntN(l.Len())
	v, err := l.Get(i)
	s.must(err)
	if v.Kind() != am.KindMap {
		return nil, i
	}
	return v.Map(), i
}

// writeEntry fills m as crdt/ledger writes an entry.
func (s *sim) writeEntry(m *am.Map, id, reverses string) {
	for _, kv := range [][2]string{{"id", id}, {"date", "2026-01-02"}, {"direction", "in"}} {
		s.must(m.Set(kv[0], kv[1]))
	}
	s.must(m.Set("amount_minor", int64(100+s.rng.IntN(900))))
	fields := [][2]string{{"currency", "EUR"}, {"category", "dues"}, {"memo", "m"}, {"from", "a"}, {"to", "b"}}
	if reverses != "" {
		fields = append(fields, [2]string{"reverses", reverses})
	}
	for _, kv := range fields {
		s.must(m.Set(kv[0], kv[1]))
	}
}

// newID returns a fresh entry ID.
func (s *sim) newID() string {
	s.next++
	id := fmt.Sprintf("e%04d", s.next)
	s.ids = append(s.ids, id)
	return id
}

// append adds one entry (sometimes a reversal) at the end of d's list.
func (s *sim) append(d *am.Doc) {
	l := s.list(d)
	if l == nil {
		return
	}
	s.must(l.Append(am.NewMap()))
	v, err := l.Get(l.Len() - 1)
	s.must(err)
	rev := ""
	if len(s.ids) > 0 && s.rng.IntN(8) == 0 {
		rev = s.ids[s.rng.IntN(len(s.ids))]
	}
	s.writeEntry(v.Map(), s.newID(), rev)
}

// step makes one random edit on a random actor's copy and commits it.
func (s *sim) step() {
	d := s.docs[s.rng.IntN(len(s.docs))]
	act := s.rng.IntN(100)
	switch {
	case act < 40:
		s.append(d)
	case act < 52:
		o := s.docs[s.rng.IntN(len(s.docs))]
		if o != d {
			_, err := d.Merge(o)
			s.must(err)
		}
		return
	default:
		s.edit(d, act)
	}
	if _, err := d.Commit("edit", am.CommitOptions{Time: &time.Time{}}); err != nil && err.Error() != "Commit is empty" {
		s.t.Logf("commit: %v", err)
	}
}

// edit alters, deletes or reshapes what is there.
func (s *sim) edit(d *am.Doc, act int) {
	m, i := s.entryAt(d)
	if i < 0 {
		s.append(d)
		return
	}
	l := s.list(d)
	switch {
	case act < 60:
		s.must(l.Delete(i))
	case m == nil:
		s.append(d)
	case act < 68:
		s.must(m.Set("memo", fmt.Sprintf("memo %d", s.rng.IntN(3))))
	case act < 74:
		s.must(m.Set("amount_minor", int64(100+s.rng.IntN(3))))
	case act < 80:
		s.same(l, m, i)
	default:
		s.odd(d, l, m, i, act)
	}
}

// same re-sets the entry at i wholesale with the values it holds, so every
// field is overwritten with an identical value.
func (s *sim) same(l *am.List, m *am.Map, i int) {
	vals, err := m.Values()
	s.must(err)
	copied := map[string]any{}
	for k, v := range vals {
		copied[k] = v.Interface()
	}
	s.must(l.Set(i, copied))
}

// odd makes the rarer edits: reshaping the entry, the list or a field.
func (s *sim) odd(d *am.Doc, l *am.List, m *am.Map, i, act int) {
	switch act {
	case 80, 81:
		s.must(l.Set(i, am.NewMap()))
		v, err := l.Get(i)
		s.must(err)
		s.writeEntry(v.Map(), s.ids[s.rng.IntN(len(s.ids))], "")
	case 82:
		s.must(d.RootMap().Set("entries", am.NewList()))
	case 83, 84:
		s.counter(m)
	case 85, 86:
		s.must(m.Set("memo", am.NewText("text memo")))
	case 87:
		s.text(m)
	case 88, 89:
		s.must(m.Set("meta", map[string]any{"k": int64(s.rng.IntN(2))}))
	case 90:
		s.must(m.Delete("id"))
	case 91:
		s.must(m.Set("id", s.ids[s.rng.IntN(len(s.ids))]))
	case 92, 93:
		s.must(l.Insert(0, am.NewMap()))
		v, err := l.Get(0)
		s.must(err)
		s.writeEntry(v.Map(), s.newID(), "")
	case 94:
		s.must(m.Set("fee", math.NaN()))
	case 95:
		s.must(m.Set("amount_minor", uint64(100)))
	case 96:
		s.must(l.Append("not a map"))
	default:
		s.must(m.Set("memo", []byte{byte(s.rng.IntN(2))}))
	}
}

// counter makes or increments a counter field.
func (s *sim) counter(m *am.Map) {
	v, err := m.Get("n")
	s.must(err)
	if v.Kind() == am.KindCounter {
		s.must(v.Counter().Inc(int64(s.rng.IntN(3) - 1)))
		return
	}
	s.must(m.Set("n", am.NewCounter(1)))
}

// text edits a text memo, or sets one.
func (s *sim) text(m *am.Map) {
	v, err := m.Get("memo")
	s.must(err)
	if v.Kind() != am.KindText {
		s.must(m.Set("memo", am.NewText("ab")))
		return
	}
	t := v.Text()
	if t.Len() > 0 && s.rng.IntN(2) == 0 {
		s.must(t.Delete(0, 1))
		return
	}
	s.must(t.Insert(0, "x"))
}

// changes merges every copy and returns all changes in causal order.
func (s *sim) changes() [][]byte {
	d := s.docs[0]
	for _, o := range s.docs[1:] {
		_, err := d.Merge(o)
		s.must(err)
	}
	chs, err := d.Changes()
	s.must(err)
	out := make([][]byte, len(chs))
	for i, c := range chs {
		out[i] = c.Save()
	}
	return out
}
