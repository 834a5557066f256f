package replicate

import (
	"encoding/hex"
	"fmt"
)

// dictID names frameDict in zstd frame headers. A message compressed
// without it, or with another, is refused.
const dictID = 1

// frameDict is the raw-content zstd dictionary of every message: the
// payloads of one frame of each document type built from dictSamples. A
// fresh member receives one frame per small document, a few hundred bytes
// each, too little for zstd to find anything in alone: with the dictionary
// the structure every frame shares (CBOR fields, the change header,
// column layouts, schema keys) compresses to references into it. It is
// part of message format 2; TestFrameDictFrozen pins it.
var frameDict = buildDict()

// dictSpace and dictDoc stand for a space and a document ID.
const (
	dictSpace = "abcdefghijklmnopqrstuvwxyz"
	dictDoc   = "zyxwvutsrqponmlkjihgfedcba"
)

// buildDict builds frameDict from dictSamples.
func buildDict() []byte {
	types := []string{"case", "ledger", "calendar"}
	var d []byte
	for i, sample := range dictSamples {
		var chunks [][]byte
		for _, h := range sample {
			b, err := hex.DecodeString(h)
			if err != nil {
				panic(fmt.Sprintf("replicate: dictionary sample: %v", err))
			}
			chunks = append(chunks, b)
		}
		w := &wireFrame{Version: Version, Kind: KindChanges, Space: dictSpace, Doc: dictDoc, Type: types[i],
			Changes: packChunks(chunks), Atts: [][]byte{make([]byte, 128)}}
		raw, err := encMode.Marshal(w)
		if err != nil {
			panic(fmt.Sprintf("replicate: dictionary sample: %v", err))
		}
		d = append(d, raw...)
	}
	return d
}
