package engine_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// TestEngineThreadsRunAtLowerPriority: once the engine answers, every
// thread of its process runs at a higher nice value than the node that
// started it (decision 0069), so that on a busy machine the node's store
// keeps the CPU the engine's applies would take.
func TestEngineThreadsRunAtLowerPriority(t *testing.T) {
	e := newEngine(t, engine.Config{})
	if _, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing}); err != nil {
		t.Fatal(err)
	}
	// getpriority's raw answer is 20 - nice (syscall.Getpriority does not
	// convert it).
	raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours := 20 - raw
	if ours >= 19 {
		t.Skip("the tests run at the lowest priority already")
	}
	tasks, err := filepath.Glob("/proc/" + strconv.Itoa(e.PID()) + "/task/*/stat")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("the engine's threads: %v, %v", tasks, err)
	}
	for _, path := range tasks {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // a thread that ended since the list was read
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		nice, err := strconv.Atoi(f[16]) // field 19 of proc_pid_stat(5)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if nice <= ours {
			t.Errorf("engine thread %s runs at nice %d, the node at %d", path, nice, ours)
		}
	}
}
