// Package bench measures weft's hot paths against the raw parts they are
// made of, and holds the network benchmarks of issue 3 (DESIGN.md section
// 12). Run the micro-benchmarks with:
//
//	go test -run '^$' -bench . ./examples/bench/ ./node/ ./store/ ./crdt/
//
// and the network scenarios, every node in its own process on 127.0.0.1,
// with cmd/weftbench (harness in package harness, short form in CI as
// TestNetworkHarness). The reference stack's harness is in automerge-repo/.
// Figures and ratios are kept in docs/performance.md.
package bench
