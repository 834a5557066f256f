package server

import (
	"os"
	"strconv"
	"time"
)

// Environment variables that tune the engine; the defaults suit a node.
const (
	// MarginEnv is the address space, in MiB, the engine may grow by
	// after warm-up before the kernel refuses it memory.
	MarginEnv = "WEFT_ENGINE_AS_MARGIN_MB"
	// BudgetEnv is the estimated size, in MiB, of the documents the engine
	// keeps open before it evicts the least recently used.
	BudgetEnv = "WEFT_ENGINE_BUDGET_MB"
	// HotEnv is the estimated size, in MiB, of the small documents the
	// engine keeps loaded before it parks those left idle (decision 0041).
	HotEnv = "WEFT_ENGINE_HOT_MB"
)

const (
	defaultMarginMB = 768
	defaultBudgetMB = 192
	// defaultHotMB was 8 until decision 0046: at 2, A's engine in
	// weftbench holds about 6 MiB less of idle case studies, and a
	// document used in the last parkIdle stays loaded whatever the budget.
	defaultHotMB = 2
	// parkMax is the largest estimated size of a document parked when
	// idle, and parkIdle how long it must have been idle (decision 0041):
	// long enough that a burst of new documents (a fresh member receiving
	// a thousand) is not parked while it arrives.
	parkMax  = 1 << 20
	parkIdle = 5 * time.Second
	// parkMost bounds a park round: a case study parks in 0.1 to 0.17
	// ms (a save, and its share of the round's collection; 64 took 6 to
	// 11 ms in weftbench's A), so a call that runs a round answers about
	// 3 to 5 ms later, at most twice a second while documents go idle.
	parkMost = 32
	// bytesPerChange and bytesPerOp estimate the C heap a document costs
	// once loaded: about 2.4 KiB per small change (notes/automerge-go.md
	// section 6) and about 600 bytes per character of text, which a change
	// count alone would miss. The estimate takes the larger of the two.
	bytesPerChange = 2560
	bytesPerOp     = 600
)

func marginFromEnv() uint64 { return uint64(envMB(MarginEnv, defaultMarginMB)) << 20 }
func budgetFromEnv() int64  { return int64(envMB(BudgetEnv, defaultBudgetMB)) << 20 }
func hotFromEnv() int64     { return int64(envMB(HotEnv, defaultHotMB)) << 20 }

func envMB(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
