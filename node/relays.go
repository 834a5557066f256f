package node

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/store"
)

// A steward names the relays of a space (DESIGN.md section 8, "set
// relays"): a set_relays operation in the membership log, which sync
// carries to every member. Each member's network offers the relays to
// AutoRelay and reaches the members it is not connected to through them
// (reach.go).

// relayExample is what a relay address looks like, for error messages.
const relayExample = "/ip4/203.0.113.7/tcp/7411/p2p/12D3KooW... (one of the addresses the relay's weft serve prints)"

// Relays returns the relay addresses the roster of sp names, in the order
// the steward gave them; none when no steward set any.
func (n *Node) Relays(ctx context.Context, sp Space) ([]string, error) {
	var out []string
	err := n.db.View(ctx, func(tx *store.Tx) error {
		r, err := n.spaceRoster(tx, sp.ID)
		if err != nil {
			return err
		}
		out = r.Relays()
		return nil
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return nonNilStrings(out), nil
}

// SetRelays replaces the relays of sp with addrs (none clears them) by
// appending a signed set_relays operation to its membership log; sync
// carries it to the other members. Only a steward may. Each address is a
// multiaddr ending in /p2p/PEER-ID; a bad one is refused with nothing
// stored. It returns the relays now set, each in its canonical form.
// While the network runs, the relays it uses change at once.
func (n *Node) SetRelays(ctx context.Context, sp Space, addrs []string) ([]string, error) {
	relays, err := checkRelayAddrs(addrs)
	if err != nil {
		return nil, err
	}
	err = n.update(ctx, func(tx *writeTx) error {
		r, err := n.spaceRoster(tx.Tx, sp.ID)
		if err != nil {
			return err
		}
		if r.Role(n.id.Public) != member.RoleSteward {
			return fmt.Errorf("%w: only a steward of %s can set its relays; ask one of its stewards (weft space show lists them)",
				ErrInvalid, orDefault(r.Name(), sp.Name))
		}
		if slices.Equal(r.Relays(), relays) {
			return nil // nothing changes: no operation to sync
		}
		_, err = n.appendOp(tx.Tx, &member.Op{Space: sp.ID, Kind: member.KindSetRelays, Relays: relays})
		return err
	})
	if err != nil {
		return nil, err
	}
	n.rereadRosters(ctx)
	return nonNilStrings(relays), nil
}

// checkRelayAddrs parses relay addresses, refusing a bad one by name, and
// returns them in canonical form without duplicates.
func checkRelayAddrs(addrs []string) ([]string, error) {
	var out []string
	for _, s := range addrs {
		s = strings.TrimSpace(s)
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("%w: relay %q is not a multiaddr (%w); a relay address looks like %s", ErrInvalid, s, err, relayExample)
		}
		info, err := peer.AddrInfoFromP2pAddr(a)
		if err != nil || len(info.Addrs) == 0 {
			return nil, fmt.Errorf("%w: relay %q does not end in /p2p/PEER-ID after an address to dial (for example /ip4/…/tcp/…); a relay address looks like %s", ErrInvalid, s, relayExample)
		}
		c := a.String()
		if len(c) > member.MaxRelayLen {
			return nil, fmt.Errorf("%w: relay %q is longer than %d bytes", ErrInvalid, s, member.MaxRelayLen)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > member.MaxRelays {
		return nil, fmt.Errorf("%w: %d relays: a space names at most %d", ErrInvalid, len(out), member.MaxRelays)
	}
	return out, nil
}

// appendOp signs op as this node, following the heads of its space's
// stored log and dated by the node's clock, and stores it if a fresh
// replay of the log accepts it. It returns the roster with op applied.
// Nothing is stored when op is refused.
func (n *Node) appendOp(tx *store.Tx, op *member.Op) (*member.Roster, error) {
	log, err := n.spaceLog(tx, op.Space)
	if err != nil {
		return nil, err
	}
	op.Follows, op.Time = log.Heads(), n.now().UnixMilli()
	if err := op.Sign(n.id); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, op.Kind, err)
	}
	if err := log.Add(op); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, op.Kind, err)
	}
	r, err := log.Roster()
	if err != nil {
		return nil, fmt.Errorf("%w: membership log: %w", ErrCorrupt, err)
	}
	id := op.ID()
	for _, rej := range r.Invalid() {
		if rej.OpID == id {
			return nil, fmt.Errorf("%w: %s refused: %w", ErrInvalid, op.Kind, rej.Reason)
		}
	}
	if _, err := tx.AddMemberOp(op.Space, id, op.Encode()); err != nil {
		return nil, err
	}
	return r, nil
}

// rereadRosters makes the running network, if any, reread the rosters now
// rather than at its next tick: a change of relays takes effect at once.
func (n *Node) rereadRosters(ctx context.Context) {
	s, err := n.running()
	if err != nil {
		return
	}
	if err := s.refreshReach(ctx); err != nil {
		n.log.Warn("read the rosters", "err", err)
		return
	}
	s.dialThroughRelays()
}

// nonNilStrings makes an empty list encode as [] rather than null.
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
