// Command genledger writes the ledger changes that node/replicate's frame
// tests and benchmarks read: a ledger created by one actor, then n entries
// shaped as examples/bench records them in scenario b (one change each, a
// random entry ID, a millisecond clock), made by the real Automerge core
// through crdt. The output is the chunks, each preceded by its length as a
// uvarint, compressed with zstd:
//
//	go run ./node/replicate/testdata/genledger -n 2000 > node/replicate/testdata/ledger-2000.zst
//
// It lives under testdata so that go build ./... and the import rules
// leave it alone: it runs Automerge in its own process, which nothing else
// outside the engine child may.
package main

import (
	"crypto/rand"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genledger:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 2000, "entries")
	flag.Parse()
	crdt.Enable() // a throwaway process of its own, like the engine child
	actor := make([]byte, crdt.ActorLen)
	rand.Read(actor)
	at := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	d, chunks, err := crdt.Create(model.Create{Type: model.Ledger, Currency: "EUR", Space: model.NewID()}, actor, at, "")
	if err != nil {
		return err
	}
	for i := range *n {
		at = at.Add(time.Duration(1+i%7) * time.Millisecond)
		e := model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1),
			Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}
		cs, err := d.Edit(model.Edit{AddEntry: &e}, at)
		if err != nil {
			return err
		}
		chunks = append(chunks, cs...)
	}
	var out []byte
	for _, c := range chunks {
		out = binary.AppendUvarint(out, uint64(len(c)))
		out = append(out, c...)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(enc.EncodeAll(out, nil))
	return err
}
