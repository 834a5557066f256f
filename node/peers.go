package node

import (
	"context"
	"fmt"
	"slices"

	"github.com/fxamacker/cbor/v2"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// maxPeerAddrs caps the addresses remembered per peer.
const maxPeerAddrs = 16

// peerRecord is what the store remembers of a peer, sealed in its peers
// table: where it was reached, when, and what the last pull did.
type peerRecord struct {
	Addrs    []string     `cbor:"1,keyasint"`
	LastSeen int64        `cbor:"2,keyasint"` // Unix milliseconds
	LastPull *pullSummary `cbor:"3,keyasint,omitempty"`
}

// pullSummary is what one pull did, as remembered.
type pullSummary struct {
	Time     int64  `cbor:"1,keyasint"` // Unix milliseconds
	Complete bool   `cbor:"2,keyasint"`
	Received int    `cbor:"3,keyasint"`
	Stored   int    `cbor:"4,keyasint"`
	Refused  int    `cbor:"5,keyasint"`
	Err      string `cbor:"6,keyasint,omitempty"`
}

// remember stores p's addresses and what the pull did, when p is worth
// remembering: a bootstrap peer, or a member of one of our spaces.
func (s *netState) remember(ctx context.Context, p peer.ID, rep *replicate.Report, pullErr error) error {
	keep, err := s.worthRemembering(ctx, p)
	if err != nil || !keep {
		return err
	}
	now := s.n.now()
	rec := peerRecord{Addrs: addrStrings(s.h.Peerstore().Addrs(p)), LastSeen: now.UnixMilli(),
		LastPull: summary(rep, pullErr, now)}
	b, err := cbor.Marshal(rec)
	if err != nil {
		return fmt.Errorf("node: encode peer: %w", err)
	}
	err = s.n.db.Update(ctx, func(tx *store.Tx) error { return tx.PutPeer(p.String(), b) })
	if err != nil {
		return fmt.Errorf("node: remember peer %s: %w", p, storeErr(err))
	}
	s.dial.add(peer.AddrInfo{ID: p, Addrs: s.h.Peerstore().Addrs(p)})
	return nil
}

// worthRemembering reports whether p is a bootstrap peer or a member of
// one of our spaces by our roster.
func (s *netState) worthRemembering(ctx context.Context, p peer.ID) (bool, error) {
	if s.dial.isBootstrap(p) {
		return true, nil
	}
	key, err := PeerKey(p.String())
	if err != nil {
		return false, nil
	}
	spaces, err := s.n.SyncLocal().Spaces(ctx, key)
	return len(spaces) > 0, err
}

func addrStrings(addrs []ma.Multiaddr) []string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.String())
	}
	slices.Sort(out)
	if len(out) > maxPeerAddrs {
		out = out[:maxPeerAddrs]
	}
	return out
}

// rememberedPeer is one row of the peers table, decoded.
type rememberedPeer struct {
	id  string
	rec peerRecord
}

// peerRecords reads the peers table. A record that does not decode is
// skipped: it only costs a dial or a line in weft peers.
func (n *Node) peerRecords(ctx context.Context) ([]rememberedPeer, error) {
	var rows []store.PeerRow
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		rows, err = tx.Peers()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("node: remembered peers: %w", storeErr(err))
	}
	out := make([]rememberedPeer, 0, len(rows))
	for _, r := range rows {
		var rec peerRecord
		if cbor.Unmarshal(r.Blob, &rec) == nil {
			out = append(out, rememberedPeer{id: r.ID, rec: rec})
		}
	}
	return out, nil
}

// rememberedPeers returns the remembered peers with their addresses.
func (n *Node) rememberedPeers(ctx context.Context) ([]peer.AddrInfo, error) {
	recs, err := n.peerRecords(ctx)
	if err != nil {
		return nil, err
	}
	var out []peer.AddrInfo
	for _, r := range recs {
		id, err := peer.Decode(r.id)
		if err != nil {
			continue
		}
		info := peer.AddrInfo{ID: id}
		for _, s := range r.rec.Addrs {
			if a, err := ma.NewMultiaddr(s); err == nil {
				info.Addrs = append(info.Addrs, a)
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// parsePeers parses bootstrap multiaddrs, each ending in /p2p/ID.
func parsePeers(ss []string) ([]peer.AddrInfo, error) {
	var addrs []ma.Multiaddr
	for _, s := range ss {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("%w: peer address %q: %w", ErrInvalid, s, err)
		}
		addrs = append(addrs, a)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(addrs...)
	if err != nil {
		return nil, fmt.Errorf("%w: peer addresses must end in /p2p/ID: %w", ErrInvalid, err)
	}
	return infos, nil
}
