// Package daemon lets CLI commands reach a running weft serve instead of
// opening the store themselves (DESIGN.md sections 4 and 9).
//
// The daemon listens on a Unix socket in the home folder (mode 0600; when
// the path would pass the kernel's limit, a short path in a private runtime
// folder, recorded in the home). Only processes of the same user are
// served: both ends check the other's credentials. Each request is one
// length-prefixed CBOR frame naming a method of the table in dispatch.go and
// its arguments; each answer is one frame with a result or an error that
// keeps the node sentinel it matched, so a client's errors.Is sees the same
// kinds as a caller of *node.Node.
//
//	ln, err := daemon.Listen(home)   // in weft serve
//	go daemon.Serve(ctx, ln, n)
//
//	c, err := daemon.Dial(home)      // in a CLI command
//	if errors.Is(err, daemon.ErrNoDaemon) { /* open the store itself */ }
//	defer c.Close()
//	spaces, err := c.Spaces(ctx)
package daemon
