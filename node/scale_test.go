package node_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// cluster makes n members of one space, the first its creator, admitted
// offline one by one, and starts each one's network on loopback with every
// node started before it as a bootstrap peer (a full mesh), pulling at
// least every syncEvery.
func cluster(t *testing.T, n int, syncEvery time.Duration) (node.Space, []*node.Node) {
	t.Helper()
	ctx := t.Context()
	begin := time.Now()
	nodes := make([]*node.Node, n)
	logs := &syncBuffer{}
	for i := range nodes {
		nodes[i] = loggedNode(t, fmt.Sprintf("Member %d", i), logs)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the nodes' logs, last lines:\n%s", logs.tail(60))
		}
	})
	sp := must[node.Space](t)(nodes[0].CreateSpace(ctx, "Coalition"))
	for _, m := range nodes[1:] {
		joinSpace(t, nodes[0], m, sp)
	}
	t.Logf("%d members admitted in %v", n, time.Since(begin))
	var boot []string
	for _, m := range nodes {
		err := m.Start(ctx, node.NetOptions{Listen: []string{serveLoopback}, Peers: slices.Clone(boot), SyncEvery: syncEvery})
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		boot = append(boot, m.Addrs()[0])
	}
	waitConnected(t, nodes, func(i, j int) bool { return true })
	t.Logf("%d nodes started and connected in %v", n, time.Since(begin))
	return sp, nodes
}

// syncBuffer is a log sink safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail returns the last n lines written.
func (b *syncBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := strings.Split(b.buf.String(), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// loggedNode is serveNode with the node's logs (info and up) in logs.
func loggedNode(t *testing.T, name string, logs *syncBuffer) *node.Node {
	t.Helper()
	var mu sync.Mutex
	c := newClock()
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})).With("node", name)
	opts := node.Options{Home: t.TempDir(), NoPassphrase: true, Logger: log, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return c.now()
	}}
	n, err := node.Init(t.Context(), opts, name)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// waitConnected waits until no node is connected to another for which
// linked(i, j) is false, and each is connected to at least one for which
// it is true.
func waitConnected(t *testing.T, nodes []*node.Node, linked func(i, j int) bool) {
	t.Helper()
	allHold(t, nodes, "connected as wanted", func(a *node.Node) error {
		i := slices.Index(nodes, a)
		got, linkedTo := a.ConnectedPeers(), 0
		for j, b := range nodes {
			switch connected := slices.Contains(got, b.PeerID()); {
			case i != j && connected && !linked(i, j):
				return fmt.Errorf("connected to node %d", j)
			case i != j && connected:
				linkedTo++
			}
		}
		if linkedTo == 0 {
			return fmt.Errorf("connected to none of its peers: %v", got)
		}
		return nil
	})
}

// scaleWait bounds each wait of the multi-node tests: generous, for a
// loaded machine running them under -race.
const scaleWait = 3 * time.Minute

// allHold waits until every node holds what check looks for (polling
// every 250 ms: each check reads the store and replays the roster, and
// ten nodes share the machine; for at most scaleWait in all), and returns
// how long that took.
func allHold(t *testing.T, nodes []*node.Node, what string, check func(*node.Node) error) time.Duration {
	t.Helper()
	start := time.Now()
	for i, n := range nodes {
		for {
			err := check(n)
			if err == nil {
				break
			}
			if time.Since(start) > scaleWait {
				t.Fatalf("node %d: %s: not within %v: %v", i, what, scaleWait, err)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	return time.Since(start)
}

// holdsEntry checks that n holds the ledger entry id.
func holdsEntry(sp node.Space, id string) func(*node.Node) error {
	return func(n *node.Node) error {
		if !has(context.Background(), n, sp, id) {
			return fmt.Errorf("entry %s missing", id)
		}
		return nil
	}
}

// sameEverywhere fails unless every node sees the same space and stores
// the same changes as the first.
func sameEverywhere(t *testing.T, sp node.Space, nodes []*node.Node) spaceState {
	t.Helper()
	want, wantSets := stateOf(t, nodes[0], sp), changeSets(t, nodes[0], sp.ID)
	for i, n := range nodes[1:] {
		if got := stateOf(t, n, sp); !reflect.DeepEqual(got, want) {
			t.Errorf("node %d sees another space than node 0: %d/%d events, %d/%d cases, %d/%d entries, %d/%d members",
				i+1, len(got.Events), len(want.Events), len(got.Cases), len(want.Cases), len(got.Entries), len(want.Entries),
				len(got.Members), len(want.Members))
		}
		if got := changeSets(t, n, sp.ID); !reflect.DeepEqual(got, wantSets) {
			t.Errorf("node %d stores other changes than node 0", i+1)
		}
	}
	return want
}

// converged checks that n sees members members, the events, the cases and
// the entries.
func converged(sp node.Space, members int, events, cases, entries []string) func(*node.Node) error {
	return func(n *node.Node) error {
		ctx := context.Background()
		st, err := n.SpaceDetail(ctx, sp)
		if err != nil || len(st.Members) != members {
			return fmt.Errorf("%d members, want %d (%v)", len(st.Members), members, err)
		}
		for _, id := range events {
			if _, err := n.Event(ctx, sp, id); err != nil {
				return err
			}
		}
		for _, id := range cases {
			if _, err := n.Case(ctx, sp, id); err != nil {
				return err
			}
		}
		for _, id := range entries {
			if !has(ctx, n, sp, id) {
				return fmt.Errorf("entry %s missing", id)
			}
		}
		return nil
	}
}

// nothingPending checks that n knows what each other node holds of sp and
// that nothing is pending either way, after pulling from every peer.
func nothingPending(sp node.Space, others int) func(*node.Node) error {
	return func(n *node.Node) error {
		ctx := context.Background()
		if err := n.SyncNow(ctx); err != nil {
			return err
		}
		peers, err := n.Peers(ctx)
		if err != nil {
			return err
		}
		var errs []error
		known := 0
		for _, p := range peers {
			for _, s := range p.State {
				if s.Space == sp.ID && s.Known {
					known++
				}
				if s.Space == sp.ID && s.Pending() {
					errs = append(errs, fmt.Errorf("%s: %+v", p.Name, s))
				}
			}
		}
		if known != others {
			errs = append(errs, fmt.Errorf("state of %d peers known, want %d", known, others))
		}
		return errors.Join(errs...)
	}
}

func TestScaleTenNodes(t *testing.T) {
	const size = 10
	ctx := t.Context()
	sp, nodes := cluster(t, size, 15*time.Second) // timed pulls only as a backstop: a peer joining the topic is pulled from at once

	var events, cases, entries []string
	t.Run("changes of each type on each node reach all", func(t *testing.T) {
		for i, n := range nodes {
			switch i % 3 {
			case 0:
				events = append(events, must[string](t)(n.AddEvent(ctx, sp, "", model.Event{Title: fmt.Sprintf("Assembly %d", i),
					Kind: "meeting", Status: "planned", Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"})))
			case 1:
				cases = append(cases, must[string](t)(n.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": fmt.Sprintf("Case %d", i)},
					Bodies: map[string]string{"en": "First paragraph.\n\nSecond paragraph."}})))
			case 2:
				entries = append(entries, must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in",
					AmountMinor: int64(100 * i), Currency: "EUR"})))
			}
		}
		took := allHold(t, nodes, "every change and member", converged(sp, size, events, cases, entries))
		st := sameEverywhere(t, sp, nodes)
		if len(st.Members) != size || len(st.Events) != len(events) || len(st.Cases) != len(cases) || len(st.Entries) != len(entries) {
			t.Fatalf("converged on %d members, %d events, %d cases, %d entries", len(st.Members), len(st.Events), len(st.Cases), len(st.Entries))
		}
		t.Logf("%d changes on %d nodes visible on all within %v", size, size, took)
	})

	t.Run("one change reaches all nodes", func(t *testing.T) {
		for round := range 5 {
			from := nodes[(round*3)%size]
			start := time.Now()
			id := must[string](t)(from.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out",
				AmountMinor: int64(round + 1), Currency: "EUR"}))
			allHold(t, nodes, "the new entry", holdsEntry(sp, id))
			t.Logf("round %d: a change on one node visible on all %d within %v", round, size, time.Since(start))
		}
	})

	t.Run("concurrent edits to one event and one case body merge", func(t *testing.T) {
		ev, cs := events[0], cases[0]
		title, place := "Assembly, moved", "Town hall"
		bodyA, bodyB := "First paragraph, rewritten.\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph, sourced."
		edits := []func() error{
			func() error { return nodes[2].PatchEvent(ctx, sp, model.EventPatch{ID: ev, Title: &title}) },
			func() error { return nodes[7].PatchEvent(ctx, sp, model.EventPatch{ID: ev, Place: &place}) },
			func() error { return nodes[3].PatchCase(ctx, sp, cs, model.CasePatch{Lang: "en", Body: &bodyA}) },
			func() error { return nodes[8].PatchCase(ctx, sp, cs, model.CasePatch{Lang: "en", Body: &bodyB}) },
		}
		errs := make(chan error, len(edits))
		for _, edit := range edits {
			go func() { errs <- edit() }()
		}
		for range edits {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		want := "First paragraph, rewritten.\n\nSecond paragraph, sourced."
		allHold(t, nodes, "both edits of the event and of the case", func(n *node.Node) error {
			e, err := n.Event(ctx, sp, ev)
			if err != nil {
				return err
			}
			c, err := n.Case(ctx, sp, cs)
			if err != nil {
				return err
			}
			if e.Title != title || e.Place != place || c.Bodies["en"] != want {
				return fmt.Errorf("event %q at %q, body %q", e.Title, e.Place, c.Bodies["en"])
			}
			return nil
		})
		sameEverywhere(t, sp, nodes)
	})

	t.Run("every node knows nothing is pending with any other", func(t *testing.T) {
		allHold(t, nodes, "nothing pending", nothingPending(sp, size-1))
		counts := changeSets(t, nodes[0], sp.ID)
		peers := must[[]node.PeerInfo](t)(nodes[0].Peers(ctx))
		for _, p := range peers {
			for _, s := range p.State {
				for _, d := range s.Docs {
					if d.Changes != len(counts[d.Doc]) {
						t.Errorf("%s said to hold %d changes of %s, which holds %d", p.Name, d.Changes, d.Doc, len(counts[d.Doc]))
					}
				}
				if len(s.Docs) != len(counts) {
					t.Errorf("%s known to hold %d documents, want %d", p.Name, len(s.Docs), len(counts))
				}
			}
		}
	})
	if t.Failed() {
		return
	}
	st := must[node.Status](t)(nodes[0].Status(ctx))
	if len(st.Spaces) != 1 || st.Spaces[0].PendingOut+st.Spaces[0].PendingIn+st.Spaces[0].Unknown != 0 {
		t.Fatalf("status after convergence: %+v", st.Spaces)
	}
}
