package node

import (
	"fmt"
	"testing"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/store"
)

// BenchmarkGossipIsMember is the roster check gossip validation makes for
// every message (gossipLocal.IsMember), on a space whose membership log
// holds -ops operations: the create and set_relays operations after it.
func BenchmarkGossipIsMember(b *testing.B) {
	for _, ops := range []int{10, 100} {
		b.Run(fmt.Sprint("ops=", ops), func(b *testing.B) {
			ctx := b.Context()
			n, err := Init(ctx, Options{Home: b.TempDir(), NoPassphrase: true}, "ann")
			if err != nil {
				b.Fatal(err)
			}
			defer n.Close()
			sp, err := n.CreateSpace(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			err = n.db.Update(ctx, func(tx *store.Tx) error {
				blobs, err := tx.MemberOps(sp.ID)
				if err != nil {
					return err
				}
				log := member.NewLog(sp.ID)
				for _, blob := range blobs {
					op, err := member.Decode(blob)
					if err != nil {
						return err
					}
					if err := log.Add(op); err != nil {
						return err
					}
				}
				for i := log.Len(); i < ops; i++ {
					relay := fmt.Sprintf("/ip4/127.0.0.1/tcp/%d%s", 1000+i, cacheRelayPeer)
					op := &member.Op{Space: sp.ID, Kind: member.KindSetRelays, Relays: []string{relay},
						Follows: log.Heads(), Time: int64(1e12 + i)}
					if err := op.Sign(n.id); err != nil {
						return err
					}
					if err := log.Add(op); err != nil {
						return err
					}
					if _, err := tx.AddMemberOp(sp.ID, op.ID(), op.Encode()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			l := gossipLocal{n}
			for b.Loop() {
				ok, err := l.IsMember(ctx, sp.ID, n.id.Public)
				if err != nil || !ok {
					b.Fatalf("IsMember: %v, %v", ok, err)
				}
			}
		})
	}
}
