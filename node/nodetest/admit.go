// Package nodetest holds helpers for tests and benchmarks that drive
// nodes from outside package node: what several of them would otherwise
// each write again.
package nodetest

import (
	"context"

	"github.com/weftsync/weft/node"
)

// AdmitNew makes a member named name in home, has n admit it to sp
// (invitation, join request, welcome, all in this process), and closes
// it: the member's home can then be opened as a member of sp that holds
// none of its documents yet.
func AdmitNew(ctx context.Context, n *node.Node, sp node.Space, home, name string) error {
	m, err := node.Init(ctx, node.Options{Home: home, NoPassphrase: true}, name)
	if err != nil {
		return err
	}
	defer m.Close()
	inv, err := n.Invite(ctx, sp, node.InviteOptions{})
	if err != nil {
		return err
	}
	req, _, err := m.JoinRequest(ctx, inv.Code)
	if err != nil {
		return err
	}
	w, err := n.Admit(ctx, req)
	if err != nil {
		return err
	}
	_, err = m.AcceptWelcome(ctx, w)
	return err
}
