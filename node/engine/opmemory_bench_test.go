package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/wire"
)

// opsOf counts the ops of chunks.
func opsOf(b *testing.B, chunks [][]byte) int64 {
	var n int64
	for _, c := range chunks {
		k, err := wire.CountOps(c)
		if err != nil {
			b.Fatal(err)
		}
		n += int64(k)
	}
	return n
}

// residentGrowth runs grow, which returns the ops it made, and reports the
// engine's resident growth per op (decision 0065's per-op figures).
func residentGrowth(b *testing.B, e *engine.Engine, grow func(context.Context) int64) {
	ctx := b.Context()
	before, _, err := e.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ops := grow(ctx)
	after, _, err := e.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(after-before)/float64(ops), "engine-B/op")
	b.ReportMetric(float64(ops), "ops")
	b.ReportMetric(float64(after-before)/(1<<20), "engine-MiB")
}

// BenchmarkEngineMemoryText measures the engine's resident growth per op of
// text: three 100,000-character case bodies.
func BenchmarkEngineMemoryText(b *testing.B) {
	for range b.N {
		e := engine.New(engine.Config{})
		chunks, err := e.Create(b.Context(), "case", model.Create{Type: model.Case, Space: model.NewID(), Case: &model.CaseStudy{ID: model.NewID()}}, actor(0xaa), at)
		if err != nil {
			b.Fatal(err)
		}
		_ = chunks
		residentGrowth(b, e, func(ctx context.Context) int64 {
			var ops int64
			for _, lang := range []string{"en", "es", "fr"} {
				body := strings.Repeat("abcdefghi ", 10_000)
				out, err := e.Edit(ctx, "case", model.Edit{PatchCase: &model.CasePatch{Lang: lang, Body: &body}}, at)
				if err != nil {
					b.Fatal(err)
				}
				ops += opsOf(b, out)
			}
			return ops
		})
		e.Close()
	}
}

// BenchmarkEngineMemoryLedger measures the engine's resident growth per op
// of ledger entries (map ops): 5,000 entries.
func BenchmarkEngineMemoryLedger(b *testing.B) {
	for range b.N {
		e := engine.New(engine.Config{})
		e.Create(b.Context(), "ledger", model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, actor(0xaa), at)
		residentGrowth(b, e, func(ctx context.Context) int64 {
			var ops int64
			for range 5_000 {
				out, err := addEntry(ctx, e, "ledger")
				if err != nil {
					b.Fatal(err)
				}
				ops += opsOf(b, out)
			}
			return ops
		})
		e.Close()
	}
}
