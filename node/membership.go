package node

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// Role names as the CLI and API show them.
const (
	roleSteward = string(member.RoleSteward)
	roleMember  = string(member.RoleMember)
)

// epochKeyInfo binds an epoch key sealed with HPKE to its space and epoch.
func epochKeyInfo(space string, epoch [32]byte) []byte {
	return fmt.Appendf(nil, "weft/epoch-key/v1\x00%s\x00%x", space, epoch)
}

// newSpaceOp signs the create operation of a new space, with the first
// epoch key sealed to this node. It returns the operation and the key.
func (n *Node) newSpaceOp(name string, now time.Time) (*member.Op, []byte, error) {
	op := member.NewCreate(n.id.Public, name, n.name, n.x25519.PublicKey().Bytes(), now.UnixMilli())
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	// The epoch is named by the create operation's hash, which covers the
	// sealed key: seal it under the space ID, not the epoch name.
	sealed, err := seal.SealToRecipient(n.x25519.PublicKey().Bytes(), epochKeyInfo(op.Space, [32]byte{}), key)
	if err != nil {
		return nil, nil, err
	}
	op.Recipients = []member.Recipient{{Member: n.id.Public, Sealed: sealed}}
	if err := op.Sign(n.id); err != nil {
		return nil, nil, err
	}
	return op, key, nil
}

// putCreateOp stores a space's create operation and its first epoch key,
// named by the operation's hash.
func putCreateOp(tx *store.Tx, op *member.Op, key []byte) error {
	id := op.ID()
	if _, err := tx.AddMemberOp(op.Space, id, op.Encode()); err != nil {
		return err
	}
	return tx.PutEpochKey(op.Space, hex.EncodeToString(id[:]), key)
}

// roster replays a space's stored membership log and returns its members
// and its name.
func (n *Node) roster(tx *store.Tx, space string) ([]Member, string, error) {
	r, err := n.spaceRoster(tx, space)
	if err != nil {
		return nil, "", err
	}
	var out []Member
	for _, m := range r.Members() {
		out = append(out, Member{PeerID: PeerID(m.Key), Name: m.Name, Role: string(m.Role)})
	}
	return out, r.Name(), nil
}

// newX25519 makes the key epoch keys are sealed to.
func newX25519() (*ecdh.PrivateKey, error) { return seal.NewX25519Key() }
