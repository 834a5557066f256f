package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"testing"
)

// TestSignBatchIsEd25519: SignBatch's signatures are crypto/ed25519's,
// byte for byte (Ed25519 is deterministic), for batches of 0 to 70
// messages of many lengths under several random keys, and verify.
func TestSignBatchIsEd25519(t *testing.T) {
	for key := range 5 {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 2, 3, 17, 70} {
			msgs := make([][]byte, n)
			for i := range msgs {
				msgs[i] = make([]byte, (i*37+key)%300)
				rand.Read(msgs[i])
			}
			sigs := SignBatch(priv, msgs)
			if len(sigs) != n {
				t.Fatalf("%d signatures for %d messages", len(sigs), n)
			}
			for i, m := range msgs {
				if want := ed25519.Sign(priv, m); !bytes.Equal(sigs[i], want) {
					t.Fatalf("key %d, batch of %d, message %d: signature differs from ed25519.Sign", key, n, i)
				}
				if !ed25519.Verify(pub, m, sigs[i]) {
					t.Fatalf("key %d, batch of %d, message %d: does not verify", key, n, i)
				}
			}
		}
	}
}

// TestAttestManyIsAttest: AttestMany makes the attestations Attest makes.
func TestAttestManyIsAttest(t *testing.T) {
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	as := make([]Attestation, 20)
	for i := range as {
		as[i] = Attestation{Space: "space", Doc: fmt.Sprint("doc", i%3), Actor: NewActor(id.Public), Seq: uint64(i + 1)}
		rand.Read(as[i].Hash[:])
	}
	AttestMany(id, as)
	for i, a := range as {
		want := Attest(id, a.Space, a.Doc, a.Actor, a.Seq, a.Hash)
		if !bytes.Equal(a.Marshal(), want.Marshal()) {
			t.Fatalf("attestation %d differs from Attest's", i)
		}
		if err := a.Verify(); err != nil {
			t.Fatalf("attestation %d: %v", i, err)
		}
	}
}

// BenchmarkSignBatch compares ed25519.Sign one by one with SignBatch of
// 32 messages.
func BenchmarkSignBatch(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	msgs := make([][]byte, 32)
	for i := range msgs {
		msgs[i] = make([]byte, 150)
		rand.Read(msgs[i])
	}
	b.Run("one-by-one", func(b *testing.B) {
		for b.Loop() {
			for _, m := range msgs {
				ed25519.Sign(priv, m)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs))/1e3, "µs/sig")
	})
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			SignBatch(priv, msgs)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs))/1e3, "µs/sig")
	})
}

// TestIndexReused: Index with its keyed HMACs reused gives HMAC-SHA256 of
// the index key, the same for the same id from many goroutines at once,
// and different ids different values.
func TestIndexReused(t *testing.T) {
	k, err := NewKeys(NewDataKey(), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for i := range 50 {
		id := fmt.Sprint("id ", i)
		want[id] = k.Index([]byte(id))
		m := hmac.New(sha256.New, k.indexKey)
		m.Write([]byte(id))
		if !bytes.Equal(want[id], m.Sum(nil)) {
			t.Fatalf("Index(%q) is not HMAC-SHA256 of the index key", id)
		}
	}
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for range 20 {
				for id, w := range want {
					if got := k.Index([]byte(id)); !bytes.Equal(got, w) {
						done <- fmt.Errorf("Index(%q) changed", id)
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Equal(want["id 1"], want["id 2"]) {
		t.Fatal("two ids, one index")
	}
}
