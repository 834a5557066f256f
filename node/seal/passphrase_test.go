package seal

import (
	"bytes"
	"errors"
	"testing"
)

func TestWrapDataKey(t *testing.T) {
	p := TestKDFParams()
	key := NewDataKey()
	wrapped, err := WrapDataKey([]byte("correct horse"), p, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnwrapDataKey([]byte("correct horse"), p, wrapped)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("Unwrap = %x, %v", got, err)
	}
	otherSalt := p
	otherSalt.Salt = bytes.Repeat([]byte{1}, MinSaltSize)
	moreTime := p
	moreTime.Time++
	flipped := append([]byte{}, wrapped...)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name    string
		pass    []byte
		p       KDFParams
		wrapped []byte
	}{
		{"wrong passphrase", []byte("correct horsf"), p, wrapped},
		{"empty passphrase", nil, p, wrapped},
		{"other salt", []byte("correct horse"), otherSalt, wrapped},
		{"other time", []byte("correct horse"), moreTime, wrapped},
		{"altered", []byte("correct horse"), p, flipped},
		{"truncated", []byte("correct horse"), p, wrapped[:10]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := UnwrapDataKey(tt.pass, tt.p, tt.wrapped); !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("Unwrap = %v, want ErrWrongPassphrase", err)
			}
		})
	}
}

func TestKDFParamsValidate(t *testing.T) {
	good := TestKDFParams()
	if err := good.Validate(); err != nil {
		t.Fatalf("TestKDFParams: %v", err)
	}
	if err := DefaultKDFParams().Validate(); err != nil {
		t.Fatalf("DefaultKDFParams: %v", err)
	}
	if d := DefaultKDFParams(); d.MemoryKiB < 64*1024 || bytes.Equal(d.Salt, DefaultKDFParams().Salt) {
		t.Fatal("default params: under 64 MiB or salt not random")
	}
	tests := []struct {
		name string
		edit func(*KDFParams)
	}{
		{"short salt", func(p *KDFParams) { p.Salt = p.Salt[:8] }},
		{"long salt", func(p *KDFParams) { p.Salt = make([]byte, MaxSaltSize+1) }},
		{"zero time", func(p *KDFParams) { p.Time = 0 }},
		{"huge time", func(p *KDFParams) { p.Time = MaxKDFTime + 1 }},
		{"zero threads", func(p *KDFParams) { p.Threads = 0 }},
		{"huge memory", func(p *KDFParams) { p.MemoryKiB = MaxKDFMemoryKiB + 1 }},
		{"memory under lanes", func(p *KDFParams) { p.Threads = 4; p.MemoryKiB = 16 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := TestKDFParams()
			tt.edit(&p)
			if _, err := WrapDataKey([]byte("x"), p, NewDataKey()); !errors.Is(err, ErrKDFParams) {
				t.Fatalf("Wrap = %v, want ErrKDFParams", err)
			}
			if _, err := UnwrapDataKey([]byte("x"), p, make([]byte, 100)); !errors.Is(err, ErrKDFParams) {
				t.Fatalf("Unwrap = %v, want ErrKDFParams", err)
			}
		})
	}
}

func BenchmarkUnwrapDataKey(b *testing.B) {
	p := DefaultKDFParams()
	wrapped, err := WrapDataKey([]byte("pass"), p, NewDataKey())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := UnwrapDataKey([]byte("pass"), p, wrapped); err != nil {
			b.Fatal(err)
		}
	}
}
