// Package httpapi is the local HTTP API of weft serve: JSON over the
// node's methods, for the web UI and for scripts on the same machine.
//
// Every route under /api/ needs the home's token (token.go) in an
// "Authorization: Bearer TOKEN" header; the change stream also takes it as
// ?access_token=, because a browser's EventSource cannot set headers. The
// Host header must name this machine (a DNS-rebinding page cannot reach the
// API), mutating requests must not come from another origin and must send
// JSON, and request bodies are bounded. docs/api.md lists the routes.
//
// Usage, as weft serve does it:
//
//	ln, err := httpapi.Listen("127.0.0.1:7420")
//	...
//	s := httpapi.New(n, httpapi.Options{Token: tok, Addr: ln.Addr().String()})
//	err = s.Serve(ctx, ln) // until ctx ends, then shuts down
//
// The package imports node; node never imports it.
package httpapi
