package store

import (
	"runtime"

	"golang.org/x/sys/unix"

	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// chain returns change i of one actor's linear history of doc.
func chain(doc string, i int) Change {
	c := Change{Doc: doc, Hash: h(fmt.Sprintf("%s/%d", doc, i)), Actor: []byte("actor-0123456789"),
		Seq: uint64(i + 1), StartOp: uint64(i*3 + 1), MaxOp: uint64(i*3 + 3), Raw: make([]byte, 200)}
	if i > 0 {
		c.Deps = [][32]byte{h(fmt.Sprintf("%s/%d", doc, i-1))}
	}
	return c
}

// BenchmarkAddChange commits one change per durable transaction.
func BenchmarkAddChange(b *testing.B) {
	db, _ := testDB(b)
	i := 0
	for b.Loop() {
		c := chain("d", i)
		if err := db.Update(b.Context(), func(tx *Tx) error { _, err := tx.AddChange(c); return err }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAddChangeBatch commits 100 changes per transaction (group
// commit); ns/op is per change.
func BenchmarkAddChangeBatch(b *testing.B) {
	db, _ := testDB(b)
	const batch = 100
	i := 0
	for b.Loop() {
		err := db.Update(b.Context(), func(tx *Tx) error {
			for range batch {
				if _, err := tx.AddChange(chain("d", i)); err != nil {
					return err
				}
				i++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i), "ns/change")
}

// BenchmarkOpen10kDocs opens a store of 10,000 documents (three changes
// each), unlocks it and runs VerifyAll, as a node does at start.
func BenchmarkOpen10kDocs(b *testing.B) {
	db, s := testDB(b)
	err := db.Update(b.Context(), func(tx *Tx) error {
		for d := range 10000 {
			doc := fmt.Sprintf("doc%05d", d)
			if err := tx.PutDoc(DocRow{ID: doc, Space: "s", Type: model.Ledger}); err != nil {
				return err
			}
			for i := range 3 {
				if _, err := tx.AddChange(chain(doc, i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	for b.Loop() {
		db, err := Open(b.Context(), db.Path())
		if err != nil {
			b.Fatal(err)
		}
		db.Unlock(s)
		if err := db.VerifyAll(b.Context()); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkSeqCheckAfterMerge measures the sequence-continuity walk in its
// worst honest case: an actor's next change after merging 5,000 changes of
// another actor, so its previous change is 5,000 changes back.
func BenchmarkSeqCheckAfterMerge(b *testing.B) {
	db, _ := testDB(b)
	const n = 5000
	err := db.Update(b.Context(), func(tx *Tx) error {
		if _, err := tx.AddChange(ch("d", "a1", "A", 1, 1, 1)); err != nil {
			return err
		}
		for i := range n {
			c := Change{Doc: "d", Hash: h(fmt.Sprint("b", i)), Actor: []byte("B"), Seq: uint64(i + 1),
				StartOp: uint64(i + 2), MaxOp: uint64(i + 2), Deps: [][32]byte{h(fmt.Sprint("b", i-1))}}
			if i == 0 {
				c.Deps = [][32]byte{h("a1")}
			}
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	next := Change{Doc: "d", Hash: h("a2"), Actor: []byte("A"), Seq: 2, StartOp: n + 2, MaxOp: n + 2,
		Deps: [][32]byte{h(fmt.Sprint("b", n-1))}}
	for b.Loop() {
		err := db.Update(b.Context(), func(tx *Tx) error {
			if _, err := tx.AddChange(next); err != nil {
				return err
			}
			return errRollback
		})
		if err != errRollback {
			b.Fatal(err)
		}
	}
}

var errRollback = fmt.Errorf("rollback")

// BenchmarkStoreLinear10k stores 10,000 changes of one actor's linear history
// in one transaction into a fresh store, as a member catching up on a
// ledger does (scenario b of the sync benchmarks). ns/op is per change;
// the fresh store for each round is made outside the timer.
func BenchmarkStoreLinear10k(b *testing.B) {
	const n = 10000
	changes := make([]Change, n)
	for i := range changes {
		changes[i] = chain("d", i)
	}
	var dbs []*DB
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	var cpu time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		db, _ := testDB(b)
		dbs = append(dbs, db)
		c0 := cpuTime()
		b.StartTimer()
		err := db.Update(b.Context(), func(tx *Tx) error {
			for _, c := range changes {
				if _, err := tx.AddChange(c); err != nil {
					return err
				}
			}
			return nil
		})
		b.StopTimer()
		cpu += cpuTime() - c0
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/change")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "cpu-ns/change")
}

// cpuTime is the CPU time, user and system, this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkManyDocs reads what a sync sender reads for a space of 1,000
// small documents (scenario a): the digest (every document's version
// vector) and every document's changes and attestations, per document and
// through the reads for many documents at once (spacereads.go).
func BenchmarkManyDocs(b *testing.B) {
	db, _ := testDB(b)
	const n = 1000
	ids := make([]string, n)
	err := db.Update(b.Context(), func(tx *Tx) error {
		for d := range n {
			ids[d] = fmt.Sprintf("doc%04d", d)
			if err := tx.PutDoc(DocRow{ID: ids[d], Space: "s", Type: model.Ledger}); err != nil {
				return err
			}
			c := chain(ids[d], 0)
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
			_, err := tx.AddAttestation(AttestationRow{Doc: ids[d], Space: "s", Actor: c.Actor, Seq: 1,
				Hash: c.Hash, Signer: []byte("signer"), Blob: make([]byte, 100)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	read := func(b *testing.B, fn func(tx *Tx) error) {
		for b.Loop() {
			if err := db.View(b.Context(), fn); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("digest/per-doc", func(b *testing.B) {
		read(b, func(tx *Tx) error {
			docs, err := tx.Docs("s")
			for _, d := range docs {
				if _, err := tx.VersionVector(d.ID); err != nil {
					return err
				}
			}
			return err
		})
	})
	b.Run("digest/many", func(b *testing.B) {
		read(b, func(tx *Tx) error { _, _, err := tx.SpaceVersionVectors("s"); return err })
	})
	b.Run("changes/per-doc", func(b *testing.B) {
		read(b, func(tx *Tx) error {
			for _, id := range ids {
				if _, err := tx.Changes(id); err != nil {
					return err
				}
				if _, err := tx.Attestations(id); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("changes/many", func(b *testing.B) {
		read(b, func(tx *Tx) error {
			for i := 0; i < len(ids); i += MaxManyDocs {
				if _, err := tx.ManyChanges("s", ids[i:min(i+MaxManyDocs, len(ids))]); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// BenchmarkStoreLinear10kThread is BenchmarkStoreLinear10k measuring the CPU of
// the goroutine that runs the transaction alone (its OS thread, locked),
// which the load of other processes does not inflate: with -prepared,
// each change's indexes and sealed row are made on another goroutine
// (ChangePreparer, decision 0033), as ingest makes them for a large batch.
func BenchmarkStoreLinear10kThread(b *testing.B) {
	for _, prepared := range []bool{false, true} {
		b.Run(fmt.Sprintf("prepared=%v", prepared), func(b *testing.B) {
			const n = 10000
			changes := make([]Change, n)
			for i := range changes {
				changes[i] = chain("d", i)
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var thread time.Duration
			for b.Loop() {
				b.StopTimer()
				db, _ := testDB(b)
				b.StartTimer()
				t0 := threadTime()
				err := db.Update(b.Context(), func(tx *Tx) error {
					if !prepared {
						for _, c := range changes {
							if _, err := tx.AddChange(c); err != nil {
								return err
							}
						}
						return nil
					}
					pr, err := tx.Preparer()
					if err != nil {
						return err
					}
					ps := make(chan *PreparedChange, n)
					go func() {
						for _, c := range changes {
							p, err := pr.Prepare(c)
							if err != nil {
								panic(err)
							}
							ps <- p
						}
					}()
					for range changes {
						if _, err := tx.AddPrepared(<-ps); err != nil {
							return err
						}
					}
					return nil
				})
				thread += threadTime() - t0
				b.StopTimer()
				db.Close()
				b.StartTimer()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(thread.Nanoseconds())/float64(b.N*n), "thread-cpu-ns/change")
		})
	}
}

// threadTime is the CPU time the calling OS thread has used.
func threadTime() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkVersionVectors10k reads the version vectors of a space whose
// ledger holds 10,000 changes of one actor, as a sync responder's digest
// does before it answers (and VersionVector for the one document).
func BenchmarkVersionVectors10k(b *testing.B) {
	db, _ := testDB(b)
	err := db.Update(b.Context(), func(tx *Tx) error {
		if err := tx.PutDoc(DocRow{ID: "d", Space: "s", Type: model.Ledger}); err != nil {
			return err
		}
		for i := range 10000 {
			if _, err := tx.AddChange(chain("d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("space", func(b *testing.B) {
		for b.Loop() {
			if err := db.View(b.Context(), func(tx *Tx) error {
				_, vvs, err := tx.SpaceVersionVectors("s")
				if err == nil && vvs["d"][fmt.Sprintf("%x", "actor-0123456789")] != 10000 {
					err = fmt.Errorf("version vectors %v", vvs)
				}
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("doc", func(b *testing.B) {
		for b.Loop() {
			if err := db.View(b.Context(), func(tx *Tx) error {
				vv, err := tx.VersionVector("d")
				if err == nil && vv[fmt.Sprintf("%x", "actor-0123456789")] != 10000 {
					err = fmt.Errorf("version vector %v", vv)
				}
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
