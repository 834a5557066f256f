package cli

import (
	"context"
	"errors"
	"io"

	"github.com/weftsync/weft/node/daemon"
)

// backendCloser is a Backend the command closes when it is done.
type backendCloser interface {
	Backend
	io.Closer
}

// backend reaches the node for one command: the running weft serve when
// one answers on the home's socket (the store stays with it, and no
// passphrase is asked), else the node opened here under the home's lock.
func (e *env) backend(ctx context.Context) (backendCloser, error) {
	c, err := daemon.Dial(e.homeDir())
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, daemon.ErrNoDaemon) {
		return nil, err
	}
	return e.open(ctx)
}
