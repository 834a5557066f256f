package daemon

import "golang.org/x/sys/unix"

// fdPeerUID reads LOCAL_PEERCRED, the user the kernel saw connect.
func fdPeerUID(fd int) (uint32, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return 0, err
	}
	return cred.Uid, nil
}
