package server

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// engineNice is how much higher the nice value of the engine's threads is
// than the node's that started it (decision 0069).
//
// A member catching up is bound by CPU on a small machine: its node
// stores the changes (the path to durable) while its engine applies the
// batches already committed (their tails, off the path since decision
// 0048), and on two cores the two, with the node's parse and the sender,
// want more than there is. At a lower priority the engine takes the CPU
// the node leaves: the store keeps a core, the tails finish after it. With
// a core free, as for a member's own edit on a quiet machine, the nice
// value changes nothing.
const engineNice = 10

// lowerPriority raises the nice value of every thread of the process by
// by (to at most 19, the lowest priority). Linux keeps a nice value per
// thread and a new thread takes its creator's, so after a pass that finds
// no thread left to set, every thread has it and every later one will.
func lowerPriority(by int) error {
	raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0) // 20 - nice: the system call's own answer
	if err != nil {
		return fmt.Errorf("read the priority: %w", err)
	}
	nice := min(20-raw+by, 19)
	done := map[int]bool{}
	for pass := 0; pass < 10; pass++ {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("list threads: %w", err)
		}
		set := 0
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			// A thread that ended since the list was read is not an error.
			if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice); err != nil && err != syscall.ESRCH {
				return fmt.Errorf("set the priority of thread %d: %w", tid, err)
			}
			done[tid] = true
			set++
		}
		if set == 0 {
			return nil
		}
	}
	return nil
}
