package node_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// crashWriterEnv makes the test binary a writer: it records ledger entries
// in the space of the home it names and prints each entry's ID once its
// transaction has committed.
const crashWriterEnv = "WEFT_TEST_CRASH_WRITER"

func runCrashWriter(home string) int {
	ctx := context.Background()
	n, err := node.Open(ctx, node.Options{Home: home})
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		return 1
	}
	defer n.Close()
	spaces, err := n.Spaces(ctx)
	if err != nil || len(spaces) != 1 {
		fmt.Fprintln(os.Stderr, "writer: spaces:", spaces, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 1; ; i++ {
		id, err := n.AddEntry(ctx, spaces[0], model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(i), Currency: "EUR"})
		if err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			return 1
		}
		fmt.Fprintln(out, id)
		out.Flush()
	}
}

// TestCrashSafety kills a writing process with SIGKILL at random moments, 20
// times. After each reopen every entry the writer reported as saved is
// there, every stored change's dependencies are stored, the manifests match
// and SQLite's integrity check passes.
func TestCrashSafety(t *testing.T) {
	n, opts := initNode(t, "Writer")
	sp := must[node.Space](t)(n.CreateSpace(t.Context(), "Crash"))
	n.Close()
	cycles := 20
	if testing.Short() {
		cycles = 5
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	acked := map[string]bool{}
	for c := 0; c < cycles; c++ {
		for _, id := range killWriterAtRandom(t, opts.Home, rng) {
			acked[id] = true
		}
		checkAcked(t, opts, sp, acked)
	}
	if len(acked) < cycles {
		t.Fatalf("only %d entries acknowledged over %d cycles: the writer barely ran", len(acked), cycles)
	}
}

// killWriterAtRandom runs a writer until it has reported at least one
// entry, lets it go on for a random while, kills it, and returns what it
// reported.
func killWriterAtRandom(t *testing.T, home string, rng *rand.Rand) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashWriterEnv+"="+home)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() { // ends when the writer's stdout closes
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var ids []string
	first, ok := <-lines
	if !ok {
		t.Fatalf("writer reported nothing: %v", cmd.Wait())
	}
	ids = append(ids, first)
	kill := time.After(time.Duration(rng.IntN(150)) * time.Millisecond)
	for {
		select {
		case id, ok := <-lines:
			if !ok {
				t.Fatalf("writer stopped by itself: %v", cmd.Wait())
			}
			ids = append(ids, id)
			continue
		case <-kill:
		}
		break
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for id := range lines {
		ids = append(ids, id)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) {
		t.Fatalf("writer exit: %v", err)
	}
	return ids
}

func checkAcked(t *testing.T, opts node.Options, sp node.Space, acked map[string]bool) {
	t.Helper()
	n, err := node.Open(t.Context(), opts) // Open verifies manifests and dependencies
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer n.Close()
	if err := n.Verify(t.Context()); err != nil {
		t.Fatalf("verify after SIGKILL: %v", err)
	}
	stored := map[string]bool{}
	for _, e := range must[[]node.LedgerEntry](t)(n.Entries(t.Context(), sp)) {
		stored[e.ID] = true
	}
	for id := range acked {
		if !stored[id] {
			t.Fatalf("entry %s was reported saved and is gone after SIGKILL", id)
		}
	}
	// Local edits keep working after the crash.
	must[string](t)(n.AddEntry(t.Context(), sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 1, Currency: "EUR"}))
}
