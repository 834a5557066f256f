package gossip

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

func TestEnvelope(t *testing.T) {
	key := bytes.Repeat([]byte{3}, 32)
	epoch := [32]byte{9}
	b := Batch{Doc: model.NewID(), Type: "calendar", Meta: []byte{0xa0}, Chunks: [][]byte{[]byte("c1"), []byte("c2")}, Atts: [][]byte{[]byte("a")}}
	env, err := Seal("space", epoch, key, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("round trip", func(t *testing.T) {
		got, err := Open(env, "space", epoch, key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Doc != b.Doc || got.Type != b.Type || !bytes.Equal(got.Meta, b.Meta) || len(got.Chunks) != 2 ||
			!bytes.Equal(got.Chunks[1], b.Chunks[1]) || !bytes.Equal(got.Atts[0], b.Atts[0]) {
			t.Fatalf("opened %+v, sealed %+v", got, b)
		}
	})
	t.Run("no plaintext in the envelope", func(t *testing.T) {
		if bytes.Contains(env, []byte(b.Doc)) || bytes.Contains(env, []byte("calendar")) {
			t.Fatal("envelope shows its document ID or type")
		}
	})
	t.Run("two seals differ", func(t *testing.T) {
		again, _ := Seal("space", epoch, key, b)
		if bytes.Equal(again, env) {
			t.Fatal("same nonce twice")
		}
	})
	big := Batch{Doc: model.NewID(), Type: "case", Chunks: [][]byte{make([]byte, MaxEnvelope)}, Atts: [][]byte{{1}}}
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"oversized batch", func() error { _, err := Seal("space", epoch, key, big); return err }(), ErrTooLarge},
		{"oversized envelope", func() error { _, err := Open(make([]byte, MaxEnvelope+1), "space", epoch, key); return err }(), ErrMalformed},
		{"wrong epoch", func() error { _, err := Open(env, "space", [32]byte{8}, key); return err }(), ErrEpoch},
		{"wrong space", func() error { _, err := Open(env, "other", epoch, key); return err }(), ErrOpen},
		{"wrong key", func() error { _, err := Open(env, "space", epoch, bytes.Repeat([]byte{4}, 32)); return err }(), ErrOpen},
		{"other version", func() error {
			bad := bytes.Clone(env)
			bad[1] = 2 // [version, ...]: the version is the array's first item
			_, err := Open(bad, "space", epoch, key)
			return err
		}(), ErrVersion},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Fatalf("got %v, want %v", tt.err, tt.want)
			}
		})
	}
}

func TestTopicName(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	n1 := TopicName(k1)
	if n1 != TopicName(k1) || n1 == TopicName(k2) {
		t.Fatal("topic names are not a function of the key")
	}
	if len(n1) != 26 || strings.ToLower(n1) != n1 || strings.ContainsAny(n1, "=") {
		t.Fatalf("topic name %q: want 26 lowercase base32 characters", n1)
	}
}
