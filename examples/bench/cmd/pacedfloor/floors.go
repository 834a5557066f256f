package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// row names one figure a floor gives per sample.
type row struct {
	name  string
	inSum bool // a part of the mandated path, added into the sum
}

// floor is one part of the paced path measured in isolation. The driver
// calls sample after the same idle every time; it returns one value per
// row. close ends whatever the floor started.
type floor struct {
	rows   []row
	sample func(ctx context.Context) ([]time.Duration, error)
	close  func() error
}

// child starts this binary again as a helper process (runChild) of the
// given mode, with pipes to its stdin and stdout. It dies with its parent.
func child(mode string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pacedfloor: own binary: %w", err)
	}
	cmd := exec.Command(exe, childArg, mode)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pacedfloor: child stdin: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pacedfloor: child stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, fmt.Errorf("pacedfloor: start child %s: %w", mode, err)
	}
	return cmd, in, bufio.NewReader(out), nil
}

// stopChild closes the child's stdin, which ends it, and waits for it.
func stopChild(cmd *exec.Cmd, in io.Closer) error {
	in.Close()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("pacedfloor: child %v: %w", cmd.Args[1:], err)
	}
	return nil
}

// pipeFloor is the bare process wake: one byte to a child asleep in a read
// of its stdin and back, then the same again at once (hot).
func pipeFloor() (*floor, error) {
	cmd, in, out, err := child(childPipe)
	if err != nil {
		return nil, err
	}
	b := []byte{1}
	trip := func() (time.Duration, error) {
		t0 := time.Now()
		if _, err := in.Write(b); err != nil {
			return 0, fmt.Errorf("pacedfloor: pipe write: %w", err)
		}
		if _, err := io.ReadFull(out, b); err != nil {
			return 0, fmt.Errorf("pacedfloor: pipe read: %w", err)
		}
		return time.Since(t0), nil
	}
	return &floor{
		rows: []row{{"pipe round trip, child asleep in read (bare wake)", false}, {"pipe round trip, hot (right after)", false}},
		sample: func(context.Context) ([]time.Duration, error) {
			idle, err := trip()
			if err != nil {
				return nil, err
			}
			hot, err := trip()
			return []time.Duration{idle, hot}, err
		},
		close: func() error { return stopChild(cmd, in) },
	}, nil
}

// engineFloor is A's edit: an AddEntry on a small ledger through the real
// engine client and process, as node's editDoc calls it, with the engine
// process's CPU during the call (all its threads' run time, read just
// before the call and just after its answer), then the same edit again at
// once (hot), with its CPU.
func engineFloor(ctx context.Context) (*floor, error) {
	id, err := seal.NewIdentity()
	if err != nil {
		return nil, err
	}
	e := engine.New(engine.Config{})
	const doc = "ledger"
	if _, err := e.Create(ctx, doc, model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, seal.NewActor(id.Public), time.Now()); err != nil {
		e.Close()
		return nil, fmt.Errorf("pacedfloor: engine create: %w", err)
	}
	pid := e.PID()
	i := 0
	edit := func() (time.Duration, error) {
		i++
		entry := model.Entry{ID: model.NewItemID(), Date: "2026-11-27", Direction: model.DirectionIn, AmountMinor: int64(i),
			Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}
		t0 := time.Now()
		_, err := e.Edit(ctx, doc, model.Edit{AddEntry: &entry}, time.Now())
		d := time.Since(t0)
		if err != nil {
			return 0, fmt.Errorf("pacedfloor: engine edit: %w", err)
		}
		return d, nil
	}
	return &floor{
		rows: []row{{"engine AddEntry round trip, engine asleep", true}, {"engine process CPU during that call", false},
			{"engine AddEntry round trip, hot (right after)", false}, {"engine process CPU during the hot call", false}},
		sample: func(context.Context) ([]time.Duration, error) {
			before, err := processCPU(pid)
			if err != nil {
				return nil, err
			}
			idle, err := edit()
			if err != nil {
				return nil, err
			}
			after, err := processCPU(pid)
			if err != nil {
				return nil, err
			}
			hot, err := edit()
			if err != nil {
				return nil, err
			}
			end, err := processCPU(pid)
			return []time.Duration{idle, after - before, hot, end - after}, err
		},
		close: e.Close,
	}, nil
}

// processCPU returns the run time of all of pid's threads so far
// (/proc/PID/task/*/schedstat, nanoseconds).
func processCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("pacedfloor: schedstat of %d: %v", pid, err)
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that ended
		}
		f, _, _ := strings.Cut(string(b), " ")
		ns, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("pacedfloor: %s: %w", t, err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// gossipSize is about one sealed envelope of a small change.
const gossipSize = 600

// monotonic reads CLOCK_MONOTONIC, which every process of the machine shares.
func monotonic() time.Duration {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return time.Duration(ts.Nano())
}

// tcpFloor is the wire: one message of gossipSize bytes over loopback TCP
// to a child asleep in a read, one way, by the shared monotonic clock (the
// child sends back the time it finished reading).
func tcpFloor() (*floor, error) {
	cmd, in, out, err := child(childTCP)
	if err != nil {
		return nil, err
	}
	line, err := out.ReadString('\n')
	if err != nil {
		stopChild(cmd, in)
		return nil, fmt.Errorf("pacedfloor: tcp child's address: %w", err)
	}
	conn, err := net.Dial("tcp", strings.TrimSpace(line))
	if err != nil {
		stopChild(cmd, in)
		return nil, fmt.Errorf("pacedfloor: dial tcp child: %w", err)
	}
	msg := make([]byte, gossipSize)
	rand.Read(msg)
	var got [8]byte
	return &floor{
		rows: []row{{"loopback TCP one way, 600 B, receiver asleep in read", true}},
		sample: func(context.Context) ([]time.Duration, error) {
			t0 := monotonic()
			if _, err := conn.Write(msg); err != nil {
				return nil, fmt.Errorf("pacedfloor: tcp write: %w", err)
			}
			if _, err := io.ReadFull(conn, got[:]); err != nil {
				return nil, fmt.Errorf("pacedfloor: tcp read: %w", err)
			}
			return []time.Duration{time.Duration(binary.LittleEndian.Uint64(got[:])) - t0}, nil
		},
		close: func() error { conn.Close(); return stopChild(cmd, in) },
	}, nil
}

// walAhead is how much of the WAL a started node writes ahead (node/walahead.go).
const walAhead = 4 << 20

// changeSize is about one small ledger entry's change.
const changeSize = 500

// storeFloor is B's durable store: one change of changeSize bytes and its
// attestation (DESIGN.md section 12: the real schemas, attestations
// included) per write transaction through the real store package (WAL,
// synchronous=FULL, the WAL written ahead as a started node does,
// decision 0053), sealed with node's keys, in a fresh store under dir.
func storeFloor(ctx context.Context, dir string) (*floor, error) {
	db, err := store.Open(ctx, filepath.Join(dir, "weft.db"))
	if err != nil {
		return nil, err
	}
	keys, err := seal.NewKeys(seal.NewDataKey(), 1)
	if err != nil {
		db.Close()
		return nil, err
	}
	db.Unlock(keys)
	signer, err := newAttester()
	if err != nil {
		db.Close()
		return nil, err
	}
	var prev [32]byte
	i := 0
	// add commits the next change with its attestation (signed before)
	// and returns the times of its parts: the write turn and BEGIN, the
	// rows, and COMMIT (the WAL's frames written and synced).
	add := func() (begin, fn, commit time.Duration, err error) {
		raw := make([]byte, changeSize)
		rand.Read(raw)
		c := store.Change{Doc: signer.doc, Hash: sha256.Sum256(raw), Actor: signer.actor, Seq: uint64(i + 1),
			StartOp: uint64(i*3 + 1), MaxOp: uint64(i*3 + 3), Time: time.Now().UnixMilli(), Raw: raw}
		if i > 0 {
			c.Deps = [][32]byte{prev}
		}
		a := seal.Attest(signer.id, signer.space, signer.doc, signer.actor, c.Seq, c.Hash)
		att := store.AttestationRow{Doc: a.Doc, Space: a.Space, Actor: a.Actor, Seq: a.Seq, Hash: a.Hash,
			Signer: a.Signer, Blob: a.Marshal()}
		var t1, t2 time.Time
		t0 := time.Now()
		err = db.Update(ctx, func(tx *store.Tx) error {
			t1 = time.Now()
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
			_, err := tx.AddAttestation(att)
			t2 = time.Now()
			return err
		})
		if err != nil {
			return 0, 0, 0, fmt.Errorf("pacedfloor: store change %d: %w", i, err)
		}
		prev = c.Hash
		i++
		return t1.Sub(t0), t2.Sub(t1), time.Since(t2), nil
	}
	if _, _, _, err := add(); err != nil { // the WAL exists from the first commit
		db.Close()
		return nil, err
	}
	if _, err := db.PrepareWAL(ctx, walAhead, 0); err != nil {
		db.Close()
		return nil, fmt.Errorf("pacedfloor: WAL ahead: %w", err)
	}
	return &floor{
		rows: []row{{"store: one change (500 B) and its attestation committed, synchronous=FULL, WAL ahead", true},
			{"of which the write turn and BEGIN", false}, {"of which AddChange and AddAttestation", false},
			{"of which COMMIT (WAL frames written and synced)", false}},
		sample: func(context.Context) ([]time.Duration, error) {
			begin, fn, commit, err := add()
			return []time.Duration{begin + fn + commit, begin, fn, commit}, err
		},
		close: db.Close,
	}, nil
}

// syncBlock is what one bare sync writes: about two WAL frames.
const syncBlock = 8 << 10

// syncArea is the written file the overwrite cycles through.
const syncArea = 8 << 20

// syncFloor is the disk's own floor beside the store's: 8 KiB written with
// pwrite and synced with fdatasync, over blocks written and synced before
// (as a WAL started again, or written ahead), or appended (a WAL that
// grows: the file system's journal commits too), each then again at once
// (hot).
func syncFloor(dir string, appended bool) (*floor, error) {
	name, what := "overwrite", "pwrite+fdatasync 8 KiB over written blocks"
	if appended {
		name, what = "append", "pwrite+fdatasync 8 KiB appended"
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if !appended {
		if _, err := f.Write(make([]byte, syncArea)); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, err
		}
	}
	block := make([]byte, syncBlock)
	rand.Read(block)
	var at int64
	write := func() (time.Duration, error) {
		t0 := time.Now()
		if _, err := f.WriteAt(block, at); err != nil {
			return 0, err
		}
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			return 0, fmt.Errorf("pacedfloor: fdatasync: %w", err)
		}
		d := time.Since(t0)
		at += syncBlock
		if !appended {
			at %= syncArea
		}
		return d, nil
	}
	return &floor{
		rows: []row{{what, false}, {what + ", hot (right after)", false}},
		sample: func(context.Context) ([]time.Duration, error) {
			idle, err := write()
			if err != nil {
				return nil, err
			}
			hot, err := write()
			return []time.Duration{idle, hot}, err
		},
		close: f.Close,
	}, nil
}

// attester makes the attestations signFloor, verifyFloor and storeFloor use:
// of the changes of one actor, seq after seq.
type attester struct {
	id         *seal.Identity
	actor      []byte
	space, doc string
	seq        uint64
}

// newAttester returns an attester with a new identity.
func newAttester() (*attester, error) {
	id, err := seal.NewIdentity()
	if err != nil {
		return nil, err
	}
	return &attester{id: id, actor: seal.NewActor(id.Public), space: model.NewID(), doc: model.NewID()}, nil
}

// next signs the actor's next change (its hash made of its seq).
func (a *attester) next() seal.Attestation {
	a.seq++
	var hash [32]byte
	binary.LittleEndian.PutUint64(hash[:], a.seq)
	return seal.Attest(a.id, a.space, a.doc, a.actor, a.seq, hash)
}

// signFloor is A's attestation: seal.Attest, as the node calls it.
func signFloor() (*floor, error) {
	a, err := newAttester()
	if err != nil {
		return nil, err
	}
	return &floor{
		rows: []row{{"Ed25519 sign (seal.Attest)", true}},
		sample: func(context.Context) ([]time.Duration, error) {
			t0 := time.Now()
			a.next()
			return []time.Duration{time.Since(t0)}, nil
		},
		close: func() error { return nil },
	}, nil
}

// verifyFloor is B's check of an attestation (Attestation.Verify); each
// sample checks one signed before the idle.
func verifyFloor() (*floor, error) {
	a, err := newAttester()
	if err != nil {
		return nil, err
	}
	signed := a.next()
	return &floor{
		rows: []row{{"Ed25519 verify (Attestation.Verify)", true}},
		sample: func(context.Context) ([]time.Duration, error) {
			t0 := time.Now()
			err := signed.Verify()
			d := time.Since(t0)
			signed = a.next()
			return []time.Duration{d}, err
		},
		close: func() error { return nil },
	}, nil
}
