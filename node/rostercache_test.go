package node

import (
	"errors"
	"reflect"
	"testing"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/store"
)

const cacheRelayPeer = "/p2p/12D3KooWKQYazpoeMDVpH2suBsRtmbPDoeMp9jcQA6h7Uu3oBUH2"

// freshRoster replays a space's stored log without the cache.
func freshRoster(t *testing.T, tx *store.Tx, space string) (*member.Log, *member.Roster) {
	t.Helper()
	blobs, err := tx.MemberOps(space)
	if err != nil {
		t.Fatal(err)
	}
	log := member.NewLog(space)
	for _, b := range blobs {
		op, err := member.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := log.Add(op); err != nil {
			t.Fatal(err)
		}
	}
	r, err := log.Roster()
	if err != nil {
		t.Fatal(err)
	}
	return log, r
}

// sameAsFresh fails unless the node's cached log and roster of space equal
// a fresh replay in tx, and returns the cached roster.
func sameAsFresh(t *testing.T, n *Node, tx *store.Tx, space string) *member.Roster {
	t.Helper()
	wantLog, want := freshRoster(t, tx, space)
	log, err := n.spaceLog(tx, space)
	if err != nil {
		t.Fatal(err)
	}
	got, err := n.spaceRoster(tx, space)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(log.Heads(), wantLog.Heads()) || log.Len() != wantLog.Len() {
		t.Fatalf("space %s: cached log has %d ops, heads %x; fresh %d, %x", space, log.Len(), log.Heads(), wantLog.Len(), wantLog.Heads())
	}
	if !reflect.DeepEqual(got.Members(), want.Members()) || !reflect.DeepEqual(got.Relays(), want.Relays()) ||
		got.Name() != want.Name() || !reflect.DeepEqual(got.Epochs(), want.Epochs()) {
		t.Fatalf("space %s: cached roster (relays %v, %d members) differs from a fresh replay (relays %v, %d members)",
			space, got.Relays(), len(got.Members()), want.Relays(), len(want.Members()))
	}
	return got
}

// TestRosterCache: the cached log and roster always equal a fresh replay
// of what the transaction sees: after adds, inside a transaction that adds
// an operation and is rolled back, after it (when a different operation
// takes the rolled-back one's place), and for each space apart. An
// unchanged log is not replayed again, and the log handed out is a copy.
func TestRosterCache(t *testing.T) {
	ctx := t.Context()
	n, err := Init(ctx, Options{Home: t.TempDir(), NoPassphrase: true}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	a, err := n.CreateSpace(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.CreateSpace(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	check := func(want map[string][]string) {
		t.Helper()
		err := n.db.View(ctx, func(tx *store.Tx) error {
			for space, relays := range want {
				r := sameAsFresh(t, n, tx, space)
				if !reflect.DeepEqual(r.Relays(), relays) {
					t.Fatalf("space %s: relays %v, want %v", space, r.Relays(), relays)
				}
				if again, _ := n.spaceRoster(tx, space); again != r {
					t.Fatalf("space %s: an unchanged log was replayed again", space)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	r1, r2, r3 := "/ip4/127.0.0.1/tcp/1"+cacheRelayPeer, "/ip4/127.0.0.1/tcp/2"+cacheRelayPeer, "/ip4/127.0.0.1/tcp/3"+cacheRelayPeer
	check(map[string][]string{a.ID: nil, b.ID: nil})
	if _, err := n.SetRelays(ctx, a, []string{r1}); err != nil {
		t.Fatal(err)
	}
	check(map[string][]string{a.ID: {r1}, b.ID: nil})

	// A copy handed out does not change the cache.
	err = n.db.View(ctx, func(tx *store.Tx) error {
		log, err := n.spaceLog(tx, a.ID)
		if err != nil {
			return err
		}
		op := &member.Op{Space: a.ID, Kind: member.KindSetRelays, Relays: []string{r2}, Follows: log.Heads(), Time: 1}
		if err := op.Sign(n.id); err != nil {
			return err
		}
		if err := log.Add(op); err != nil {
			return err
		}
		again, err := n.spaceLog(tx, a.ID)
		if err != nil {
			return err
		}
		if again.Len() != log.Len()-1 {
			t.Fatalf("adding to a handed-out log changed the cache: %d ops, want %d", again.Len(), log.Len()-1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A transaction sees its own operation, and the rollback forgets it.
	errRollback := errors.New("roll back")
	rolledBack := func() {
		t.Helper()
		err := n.db.Update(ctx, func(tx *store.Tx) error {
			if _, err := n.appendOp(tx, &member.Op{Space: a.ID, Kind: member.KindSetRelays, Relays: []string{r2}}); err != nil {
				return err
			}
			if r := sameAsFresh(t, n, tx, a.ID); !reflect.DeepEqual(r.Relays(), []string{r2}) {
				t.Fatalf("inside the transaction: relays %v, want [%s]", r.Relays(), r2)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("update: %v", err)
		}
	}
	rolledBack()
	check(map[string][]string{a.ID: {r1}, b.ID: nil})
	rolledBack()

	// A different operation in the rolled-back one's place (the same
	// count of operations), stored behind the cache's back.
	err = n.db.Update(ctx, func(tx *store.Tx) error {
		log, _ := freshRoster(t, tx, a.ID)
		op := &member.Op{Space: a.ID, Kind: member.KindSetRelays, Relays: []string{r3}, Follows: log.Heads(), Time: n.now().UnixMilli()}
		if err := op.Sign(n.id); err != nil {
			return err
		}
		_, err := tx.AddMemberOp(a.ID, op.ID(), op.Encode())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	check(map[string][]string{a.ID: {r3}, b.ID: nil})
	check(map[string][]string{a.ID: {r3}, b.ID: nil}) // from the cache
	if _, err := n.SetRelays(ctx, b, []string{r2}); err != nil {
		t.Fatal(err)
	}
	check(map[string][]string{a.ID: {r3}, b.ID: {r2}})
}
