package node_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weftsync/weft/node"
)

// relayAddr is a well-formed relay address for peer id.
func relayAddr(id string) string { return "/ip4/127.0.0.1/tcp/7411/p2p/" + id }

// relaysAre checks that n's roster of sp names exactly want.
func relaysAre(t *testing.T, n *node.Node, sp node.Space, want ...string) {
	t.Helper()
	got := must[[]string](t)(n.Relays(t.Context(), sp))
	if got == nil || !slices.Equal(got, append([]string{}, want...)) {
		t.Fatalf("%s's relays %#v, want %#v", n.Name(), got, want)
	}
}

func TestSetRelays(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Coalition"))
	joinSpace(t, a, b, sp)
	relaysAre(t, a, sp)
	one, two := relayAddr(a.PeerID()), "/ip6/::1/udp/7411/quic-v1/p2p/"+b.PeerID()

	t.Run("a bad address is named and nothing is stored", func(t *testing.T) {
		for _, bad := range []string{"relay.example.org:7411", "/ip4/127.0.0.1/tcp/7411", "/p2p/" + a.PeerID(),
			"/ip4/127.0.0.1/tcp/7411/p2p/not-a-peer", "/dns4/" + strings.Repeat("a", 250) + ".org/tcp/7411/p2p/" + a.PeerID()} {
			_, err := a.SetRelays(ctx, sp, []string{one, bad})
			if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) ||
				!strings.Contains(err.Error(), "/p2p/") {
				t.Fatalf("SetRelays(%q) = %v, want ErrInvalid naming it and showing a good one", bad, err)
			}
			relaysAre(t, a, sp)
		}
		many := make([]string, 17)
		for i := range many {
			many[i] = fmt.Sprintf("/ip4/127.0.0.1/tcp/%d/p2p/%s", 7000+i, a.PeerID())
		}
		if _, err := a.SetRelays(ctx, sp, many); !errors.Is(err, node.ErrInvalid) {
			t.Fatalf("17 relays: %v, want ErrInvalid", err)
		}
		relaysAre(t, a, sp)
	})

	t.Run("a steward sets them, canonical and without duplicates", func(t *testing.T) {
		set := must[[]string](t)(a.SetRelays(ctx, sp, []string{" " + one + " ", two, one}))
		if !slices.Equal(set, []string{one, two}) {
			t.Fatalf("set %v", set)
		}
		relaysAre(t, a, sp, one, two)
	})

	t.Run("a member who is not a steward is refused", func(t *testing.T) {
		exchange(t, a, b, sp)
		relaysAre(t, b, sp, one, two)
		_, err := b.SetRelays(ctx, sp, []string{two})
		if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "only a steward") {
			t.Fatalf("non-steward SetRelays = %v, want ErrInvalid saying only a steward may", err)
		}
		relaysAre(t, b, sp, one, two)
		if _, err := b.SetRelays(ctx, sp, nil); err == nil {
			t.Fatal("a non-steward cleared the relays")
		}
		relaysAre(t, b, sp, one, two)
	})

	t.Run("a steward clears them, and the member learns it", func(t *testing.T) {
		if set := must[[]string](t)(a.SetRelays(ctx, sp, nil)); set == nil || len(set) != 0 {
			t.Fatalf("cleared, set %#v", set)
		}
		relaysAre(t, a, sp)
		exchange(t, a, b, sp)
		relaysAre(t, b, sp)
	})

	t.Run("a space this node is not in", func(t *testing.T) {
		other := must[node.Space](t)(b.CreateSpace(ctx, "Bo's own"))
		if _, err := a.SetRelays(ctx, other, []string{one}); !errors.Is(err, node.ErrNotFound) {
			t.Fatalf("SetRelays in a foreign space = %v, want ErrNotFound", err)
		}
	})
}

// TestSetRelaysOverNetwork: a steward names a relay (a weft relay that
// holds no space and allows both members) while both members serve. The
// steward's network uses it at once; the other member learns it by sync
// and its network uses it too: AutoRelay connects to it (it takes its
// candidates from the rosters) and the doctor gets a reservation there.
func TestSetRelaysOverNetwork(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	r, _ := serveNode(t, "Relay")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Coalition"))
	joinSpace(t, a, b, sp)
	err := r.Start(ctx, node.NetOptions{Listen: []string{serveLoopback}, Relay: true,
		RelayAllow: []string{a.PeerID(), b.PeerID()}})
	if err != nil {
		t.Fatalf("start the relay: %v", err)
	}
	serveStart(t, a)
	serveStart(t, b, a.Addrs()...)
	eventually(t, "b connects to a", func() error {
		if !slices.Contains(b.ConnectedPeers(), a.PeerID()) {
			return errors.New("not connected")
		}
		return nil
	})
	relay := r.Addrs()[0]

	// Only the roster can name r: no member knows it otherwise.
	if d := must[node.Doctor](t)(a.Doctor(ctx)); len(d.Relays) != 0 {
		t.Fatalf("a knows relays before any is set: %+v", d.Relays)
	}
	must[[]string](t)(a.SetRelays(ctx, sp, []string{relay}))
	// No wait: the running network rereads the roster on the change.
	if !reserved(must[node.Doctor](t)(a.Doctor(ctx)), r.PeerID()) {
		t.Fatalf("a's doctor right after SetRelays: %+v, want a reservation on %s", must[node.Doctor](t)(a.Doctor(ctx)).Relays, r.PeerID())
	}

	eventually(t, "b learns the relay by sync", func() error {
		got, err := b.Relays(ctx, sp)
		if err == nil && !slices.Equal(got, []string{relay}) {
			err = fmt.Errorf("relays %v", got)
		}
		return err
	})
	// b dials nothing through r (its only fellow member, a, is connected):
	// a connection to r is AutoRelay's, which took r from the candidates.
	eventually(t, "b's AutoRelay takes the relay", func() error {
		if !slices.Contains(b.ConnectedPeers(), r.PeerID()) {
			return fmt.Errorf("b's connected peers %v", b.ConnectedPeers())
		}
		return nil
	})
	eventually(t, "b's doctor gets a reservation on the relay", func() error {
		d, err := b.Doctor(ctx)
		if err == nil && !reserved(d, r.PeerID()) {
			err = fmt.Errorf("doctor's relays %+v", d.Relays)
		}
		return err
	})
}

// reserved reports whether the doctor got a reservation on the relay id.
func reserved(d node.Doctor, id string) bool {
	return slices.ContainsFunc(d.Relays, func(r node.DoctorRelay) bool { return r.PeerID == id && r.Reservation })
}
