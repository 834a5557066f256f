// Package cli is weft's command tree. Each file holds one command group;
// commands parse and check their flags, call package node, and print either
// for people or, with --json, for scripts (DESIGN.md sections 9 and 10).
package cli
