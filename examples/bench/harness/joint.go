package harness

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// jointEvery is how often the driver samples a peer and its engine for
// their joint resident memory (decision 0046).
const jointEvery = 20 * time.Millisecond

// Joint is the peak resident memory of a peer's node and engine
// together, each physical page counted once, in KiB: both processes'
// anonymous pages (the engine's: every child of the peer, two for a
// moment while an engine is replaced) plus the file pages either maps
// (the weft binary's pages, which node and engine map from the same
// file, and the shared libraries'), read at the same moment. The sum of the two VmHWM figures
// counts the binary's pages twice and adds two peaks that may come at
// different moments; this reading does neither. It is sampled every
// jointEvery, so a peak shorter than that can be missed.
type Joint struct {
	NodeAnonKiB   int64 `json:"node_anon_kib"`
	EngineAnonKiB int64 `json:"engine_anon_kib"`
	FileKiB       int64 `json:"file_kib"` // the union of both processes' file pages
}

// KiB is the joint reading's total.
func (j Joint) KiB() int64 { return j.NodeAnonKiB + j.EngineAnonKiB + j.FileKiB }

// MiB is the joint reading's total in MiB.
func (j Joint) MiB() float64 { return float64(j.KiB()) / 1024 }

// jointSampler follows one peer process and its children from the
// driver (so that the peer's own CPU and memory do not include the
// sampling) and keeps the highest joint reading.
type jointSampler struct {
	pid  int
	mu   sync.Mutex
	peak Joint

	stop, done chan struct{}
	files      map[string]uint64 // "dev inode" -> a small index, for page keys
	keys       []uint64          // reused between readings
}

// startJoint samples pid and its children until stopped.
func startJoint(pid int) *jointSampler {
	s := &jointSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{}), files: map[string]uint64{}}
	go s.run() // stopped by s.close
	return s
}

func (s *jointSampler) run() {
	defer close(s.done)
	t := time.NewTicker(jointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.sample()
	}
}

// close stops the sampling and waits for it. A nil sampler (Spawn.Joint
// off) has nothing to stop.
func (s *jointSampler) close() {
	if s == nil {
		return
	}
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}

// Peak returns the highest joint reading so far (none from a nil
// sampler).
func (s *jointSampler) Peak() Joint {
	if s == nil {
		return Joint{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// sample takes one reading; the union of file pages, which reads the
// processes' page maps, only when the cheap upper bound (both processes'
// file pages summed) could beat the peak.
func (s *jointSampler) sample() {
	node := strconv.Itoa(s.pid)
	nAnon, nFile, err := rssKiB(node)
	if err != nil {
		return
	}
	kids := childrenOf(node)
	var eAnon, eFile int64
	for _, k := range kids {
		a, f, err := rssKiB(k)
		if err != nil {
			continue
		}
		eAnon, eFile = eAnon+a, eFile+f
	}
	s.mu.Lock()
	best := s.peak.KiB()
	s.mu.Unlock()
	if nAnon+eAnon+nFile+eFile <= best {
		return
	}
	union, err := s.filePagesKiB(append([]string{node}, kids...))
	if err != nil {
		return
	}
	j := Joint{NodeAnonKiB: nAnon, EngineAnonKiB: eAnon, FileKiB: union}
	s.mu.Lock()
	higher := j.KiB() > s.peak.KiB()
	if higher {
		s.peak = j
	}
	s.mu.Unlock()
	if higher {
		keepPeakSmaps(os.Getenv(JointSmapsEnv), node, kids)
	}
}

// JointSmapsEnv names a folder into which the driver copies, each time
// a peer's joint reading reaches a new peak, /proc/PID/smaps of the node
// and of each of its engines (node-PID.smaps, engine-NODEPID-PID.smaps,
// overwritten at each new peak): where the pages are at the moment of
// the peak (decision 0057). Unset, nothing is copied.
const JointSmapsEnv = "WEFTBENCH_JOINT_SMAPS"

// keepPeakSmaps copies the processes' smaps into dir (a diagnostic:
// errors leave the copy out).
func keepPeakSmaps(dir, node string, kids []string) {
	if dir == "" {
		return
	}
	copySmaps := func(pid, name string) {
		if b, err := os.ReadFile("/proc/" + pid + "/smaps"); err == nil {
			_ = os.WriteFile(filepath.Join(dir, name), b, 0o600)
		}
	}
	copySmaps(node, "node-"+node+".smaps")
	for _, k := range kids {
		copySmaps(k, "engine-"+node+"-"+k+".smaps")
	}
}

// rssKiB reads RssAnon and RssFile of a process.
func rssKiB(pid string) (anon, file int64, err error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, 0, err
	}
	found := 0
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "RssAnon" && k != "RssFile") {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("harness: %s in /proc/%s/status: %w", k, pid, err)
		}
		if k == "RssAnon" {
			anon = n
		} else {
			file = n
		}
		found++
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("harness: no RssAnon and RssFile in /proc/%s/status", pid)
	}
	return anon, file, nil
}

// childrenOf lists a process's living children.
func childrenOf(pid string) []string {
	var out []string
	kids, _ := filepath.Glob("/proc/" + pid + "/task/*/children")
	for _, k := range kids {
		if b, err := os.ReadFile(k); err == nil {
			out = append(out, strings.Fields(string(b))...)
		}
	}
	return out
}

// pagemap bits (Documentation/admin-guide/mm/pagemap.rst): present, and
// file page or shared anonymous page. Neither needs privileges.
const (
	pagePresent = 1 << 63
	pageFile    = 1 << 61
	pageSize    = 4096
)

// filePagesKiB counts, once each, the file pages the processes map,
// keyed by file (device and inode) and offset: a file page mapped by two
// processes is one page of the page cache.
func (s *jointSampler) filePagesKiB(pids []string) (int64, error) {
	s.keys = s.keys[:0]
	for _, pid := range pids {
		if err := s.appendFileKeys(pid); err != nil {
			return 0, err
		}
	}
	slices.Sort(s.keys)
	n := int64(0)
	for i, k := range s.keys {
		if i == 0 || k != s.keys[i-1] {
			n++
		}
	}
	return n * pageSize / 1024, nil
}

func (s *jointSampler) appendFileKeys(pid string) error {
	maps, err := os.Open("/proc/" + pid + "/maps")
	if err != nil {
		return err
	}
	defer maps.Close()
	pm, err := os.Open("/proc/" + pid + "/pagemap")
	if err != nil {
		return err
	}
	defer pm.Close()
	var buf []byte
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[4] == "0" { // anonymous mapping
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		off, err3 := strconv.ParseUint(f[2], 16, 64)
		if err1 != nil || err2 != nil || err3 != nil || end <= start {
			continue
		}
		id := f[3] + " " + f[4]
		file, ok := s.files[id]
		if !ok {
			file = uint64(len(s.files) + 1)
			s.files[id] = file
		}
		pages := int((end - start) / pageSize)
		buf = slices.Grow(buf[:0], pages*8)[:pages*8]
		if _, err := pm.ReadAt(buf, int64(start/pageSize*8)); err != nil {
			continue // the mapping went away
		}
		for i := range pages {
			e := binary.LittleEndian.Uint64(buf[i*8:])
			if e&pagePresent != 0 && e&pageFile != 0 {
				s.keys = append(s.keys, file<<40|(off/pageSize+uint64(i)))
			}
		}
	}
	return sc.Err()
}
