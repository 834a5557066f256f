package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
)

// cpuProfile is a running CPU profile of this process.
type cpuProfile struct{ f *os.File }

func startProfile(path string) (*cpuProfile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return &cpuProfile{f: f}, nil
}

func (p *cpuProfile) stop() error {
	pprof.StopCPUProfile()
	return p.f.Close()
}

// CPUTimes returns the CPU time, in clock ticks, used so far by this
// process (Self) and by its living children together (Children: the
// engine), read from /proc.
func CPUTimes() (self, children int64, err error) {
	self, err = procCPU("/proc/self/stat")
	if err != nil {
		return 0, 0, err
	}
	for _, pid := range childPIDs() {
		if t, err := procCPU("/proc/" + pid + "/stat"); err == nil {
			children += t
		}
	}
	return self, children, nil
}

// childPIDs lists this process's living children, read from /proc.
func childPIDs() []string {
	var pids []string
	kids, _ := filepath.Glob("/proc/self/task/*/children")
	for _, k := range kids {
		if b, err := os.ReadFile(k); err == nil {
			pids = append(pids, strings.Fields(string(b))...)
		}
	}
	return pids
}

// procCPU reads utime+stime from a /proc/PID/stat file.
func procCPU(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("harness: short %s", path)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	t, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("harness: bad %s", path)
	}
	return u + t, nil
}

// PeakMemory returns the peak resident size (VmHWM, KiB) of this process
// and the largest of its living children's (the engine), read from /proc.
func PeakMemory() (self, child int64, err error) {
	self, err = procHWM("/proc/self/status")
	if err != nil {
		return 0, 0, err
	}
	for _, pid := range childPIDs() {
		if kib, err := procHWM("/proc/" + pid + "/status"); err == nil {
			child = max(child, kib)
		}
	}
	return self, child, nil
}

// procHWM reads VmHWM, in KiB, from a /proc/PID/status file.
func procHWM(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("harness: no VmHWM in %s", path)
}
