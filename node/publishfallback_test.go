package node_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// The fallbacks of decision 0045 to publishing after the commit (decision
// 0053 gives each a test): the publisher busy, the gossip topics behind
// the roster the edit read, and a change too large for an envelope. Each
// time the change is not published before its commit, still reaches b
// after it, and leaves a's outbox empty.

// TestBusyPublisherAfterCommit: while the publisher holds its lock
// (busy publishing), a's edit is not published before its commit, nor
// right after it (publishCommitted only tries the lock): nothing goes
// around the publisher, whose order is commit order. Once the publisher
// lets go, it publishes the edit, and b stores it.
func TestBusyPublisherAfterCommit(t *testing.T) {
	ctx := t.Context()
	a, b, _, sp, _ := pacedPair(t)
	early := node.PublishedEarly(a)
	published := node.GossipPublished(a)
	release := node.HoldPublisher(a)
	if release == nil {
		t.Fatal("premise: a does not serve")
	}
	held := true
	defer func() {
		if held {
			release()
		}
	}()
	id1 := must[string](t)(a.AddEntry(ctx, sp, entry(31)))
	id2 := must[string](t)(a.AddEntry(ctx, sp, entry(32)))
	if got := node.PublishedEarly(a); got != early {
		t.Fatalf("%d changes published before their commit while the publisher was busy", got-early)
	}
	time.Sleep(100 * time.Millisecond) // a publish on another goroutine would have happened by now
	if got := node.GossipPublished(a); got != published {
		t.Fatalf("a published %d batches while its publisher was busy", got-published)
	}
	if k := must[int](t)(node.OutboxLen(ctx, a)); k != 2 {
		t.Fatalf("a's outbox holds %d rows while the publisher is held, want the 2 committed", k)
	}
	release()
	held = false
	arrives(t, b, sp, id1, "the first entry reaches b once the publisher is free")
	arrives(t, b, sp, id2, "the second entry reaches b once the publisher is free")
	if node.GossipPublished(a) == published {
		t.Fatal("the entries reached b, but a's publisher published nothing (premise: gossip carries them)")
	}
	outboxEmpties(t, a)
	// The next edit, with the publisher idle, goes before its commit again.
	id3 := must[string](t)(a.AddEntry(ctx, sp, entry(33)))
	if node.PublishedEarly(a) == early {
		t.Fatal("the edit after the publisher let go was not published before its commit")
	}
	arrives(t, b, sp, id3, "the third entry reaches b")
}

// TestStaleTopicsAfterCommit: a revokes an invitation, and a's publisher is held
// before it refreshes its topics, so they are behind the roster a's next
// edit reads. That edit is not published before its commit (a refresh
// then would read the committed store, without the edit's writes); right
// after the commit, it is published from memory, refreshing the topics
// first, and b stores it while the publisher goroutine is still held.
func TestStaleTopicsAfterCommit(t *testing.T) {
	ctx := t.Context()
	a, b, _, sp, _ := pacedPair(t)
	stop := make(chan struct{})
	entered := make(chan struct{}, 1)
	node.SetBeforeRefresh(func(n *node.Node) {
		if n != a {
			return
		}
		select {
		case entered <- struct{}{}:
		default:
		}
		select {
		case <-stop:
		case <-time.After(20 * time.Second): // bounded, should the test fail first
		}
	})
	defer node.SetBeforeRefresh(nil)
	stopped := false
	defer func() {
		if !stopped {
			close(stop)
		}
	}()
	// Revoking an invitation is an operation of the membership log: a's
	// roster changes, and the commit wakes the publisher.
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	if err := a.RevokeInvite(ctx, sp, inv.InviteID); err != nil {
		t.Fatalf("revoke invite: %v", err)
	}
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("a's publisher did not wake after the revocation")
	}
	if ok := must[bool](t)(node.TopicsUpToDate(ctx, a, sp.ID)); ok {
		t.Fatal("premise: a's topics are up to date with its roster after the revocation")
	}
	early := node.PublishedEarly(a)
	id := must[string](t)(a.AddEntry(ctx, sp, entry(51)))
	if got := node.PublishedEarly(a); got != early {
		t.Fatal("a's edit was published before its commit under topics behind its roster")
	}
	arrives(t, b, sp, id, "the entry reaches b, published right after the commit")
	if ok := must[bool](t)(node.TopicsUpToDate(ctx, a, sp.ID)); !ok {
		t.Fatal("a published without refreshing its topics to the roster first")
	}
	close(stop)
	stopped = true
	outboxEmpties(t, a)
	id2 := must[string](t)(a.AddEntry(ctx, sp, entry(52)))
	if node.PublishedEarly(a) == early {
		t.Fatal("the edit after the refresh was not published before its commit")
	}
	arrives(t, b, sp, id2, "the next entry reaches b")
}

// TestLargeChangeAfterCommit: a change larger than an envelope is
// neither published nor announced before its commit (gossip's Publish
// refuses it, and an announcement then would send b to pull a change a's
// store does not serve yet): it is announced by its hash after the commit,
// and b fetches it by sync.
func TestLargeChangeAfterCommit(t *testing.T) {
	ctx := t.Context()
	a, b, _, sp, _ := pacedPair(t)
	id := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Long"}}))
	eventually(t, "the case study reaches b", func() error {
		_, err := b.Case(ctx, sp, id)
		return err
	})
	early := node.PublishedEarly(a)
	announced := node.GossipAnnounced(a)
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'-()[]{}<>/\\|@#$%^&*+=_~`"
	r := rand.New(rand.NewPCG(1, 2))
	text := func(size int) string { // random letters: over four fifths of size once compressed
		var sb strings.Builder
		for range size {
			sb.WriteByte(letters[r.IntN(len(letters))])
		}
		return sb.String()
	}
	// Ten sources of 40 KiB in one edit: ten ops of one change (a long
	// text would be cut into changes of at most crdt.MaxChangeOps), each
	// under a field's limit, over an envelope together.
	sources := make([]string, 10)
	for i := range sources {
		sources[i] = text(40 << 10)
	}
	if err := a.PatchCase(ctx, sp, id, model.CasePatch{Lang: "en", Sources: &sources}); err != nil {
		t.Fatalf("patch case: %v", err)
	}
	if got := node.PublishedEarly(a); got != early {
		t.Fatal("a change over an envelope was published or announced before its commit")
	}
	eventually(t, "the large change reaches b by sync", func() error {
		got := must[model.CaseStudy](t)(b.Case(ctx, sp, id))
		if !slices.Equal(got.Sources, sources) {
			return fmt.Errorf("b's copy of the case study has %d sources, want the %d of the large change", len(got.Sources), len(sources))
		}
		return nil
	})
	if node.GossipAnnounced(a) == announced {
		t.Fatal("b has the large change, but a never announced it")
	}
	outboxEmpties(t, a)
}

// TestWALAhead: a node started with the WAL written ahead (decision
// 0053; off by default) writes its store's WAL ahead, and its edits after that overwrite it in place: the
// file does not grow.
func TestWALAhead(t *testing.T) {
	const want = 4 << 20
	node.SetWALAhead(t, want)
	ctx := t.Context()
	a, b, aOpts, sp, _ := pacedPair(t)
	wal := filepath.Join(aOpts.Home, "weft.db-wal")
	eventually(t, "a's WAL written ahead", func() error {
		fi, err := os.Stat(wal)
		if err != nil {
			return err
		}
		if fi.Size() < want {
			return fmt.Errorf("a's WAL is %d bytes, want at least %d", fi.Size(), want)
		}
		return nil
	})
	before := must[os.FileInfo](t)(os.Stat(wal)).Size()
	var last string
	for i := range 20 {
		last = must[string](t)(a.AddEntry(ctx, sp, entry(int64(60+i))))
	}
	arrives(t, b, sp, last, "a's last entry reaches b")
	if after := must[os.FileInfo](t)(os.Stat(wal)).Size(); after != before {
		t.Fatalf("a's WAL went from %d to %d bytes over 20 edits, want them written over what was written ahead", before, after)
	}
}

// outboxEmpties waits until n's outbox is empty.
func outboxEmpties(t *testing.T, n *node.Node) {
	t.Helper()
	eventually(t, "the outbox empties", func() error {
		k, err := node.OutboxLen(t.Context(), n)
		if err != nil {
			return err
		}
		if k != 0 {
			return fmt.Errorf("%d rows left in the outbox", k)
		}
		return nil
	})
}
