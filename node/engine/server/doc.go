// Package server is the engine side of package engine: the loop that runs in
// the child process, owns the open Automerge documents and answers RPCs.
//
// It is the only code in weft that calls package crdt. The weft binary's main,
// and every TestMain whose tests start engines, call Dispatch first: in an
// engine child it serves and exits, elsewhere it returns at once.
package server
