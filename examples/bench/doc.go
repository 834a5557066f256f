// Package bench measures weft's hot paths against the raw parts they are
// made of. Run it with:
//
//	go test -run '^$' -bench . ./examples/bench/ ./node/ ./store/ ./crdt/
//
// Figures and ratios are kept in docs/performance.md.
package bench
