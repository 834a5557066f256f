package joinproto

import (
	"testing"

	"github.com/weftsync/weft/node/member"
)

func FuzzDecodeChallenge(f *testing.F) {
	b, _ := EncodeChallenge(&Challenge{Version: Version, Nonce: make([]byte, member.NonceSize)})
	f.Add(b[lengthSize:])
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := DecodeChallenge(body)
		if err != nil {
			return
		}
		if _, err := EncodeChallenge(c); err != nil {
			t.Fatalf("a decoded challenge does not encode: %v", err)
		}
	})
}

func FuzzDecodeRequest(f *testing.F) {
	inv, key := invite(f)
	j, _ := joinOver(inv, key, nil)(make([]byte, member.NonceSize))
	b, _ := EncodeRequest(&Request{Version: Version, Join: j})
	f.Add(b[lengthSize:])
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeRequest(body)
		if err != nil {
			return
		}
		if err := r.Join.Verify(); err != nil {
			t.Fatalf("a decoded request's join does not verify: %v", err)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	inv, _ := invite(f)
	b, _ := EncodeResponse(welcomeFor(inv.Space))
	f.Add(b[lengthSize:])
	b, _ = EncodeResponse(Refusal("invite expired"))
	f.Add(b[lengthSize:])
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeResponse(body)
		if err != nil {
			return
		}
		if _, err := EncodeResponse(r); err != nil {
			t.Fatalf("a decoded response does not encode: %v", err)
		}
	})
}
