package daemon

import (
	"errors"
	"fmt"
	"net"
)

// ErrPeer means the other end of the socket runs as another user.
var ErrPeer = errors.New("daemon: peer is another user")

// checkPeer refuses a connection whose other end is not running as uid.
func checkPeer(c net.Conn, uid int) error {
	got, err := peerUID(c)
	if err != nil {
		return err
	}
	return checkUID(got, uid)
}

// checkUID is the credential check itself: the peer's user must be ours.
func checkUID(peer uint32, uid int) error {
	if uid < 0 || peer != uint32(uid) {
		return fmt.Errorf("%w: uid %d, want %d", ErrPeer, peer, uid)
	}
	return nil
}

// peerUID is the user ID of the process at the other end of a Unix socket.
func peerUID(c net.Conn) (uint32, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return 0, fmt.Errorf("daemon: %T is not a Unix socket", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, fmt.Errorf("daemon: peer credentials: %w", err)
	}
	var uid uint32
	var credErr error
	if err := raw.Control(func(fd uintptr) { uid, credErr = fdPeerUID(int(fd)) }); err != nil {
		return 0, fmt.Errorf("daemon: peer credentials: %w", err)
	}
	if credErr != nil {
		return 0, fmt.Errorf("daemon: peer credentials: %w", credErr)
	}
	return uid, nil
}
