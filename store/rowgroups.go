package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// rowGroups are the sizes of the multi-row statements AddAttestations and
// AddOutboxMany write with, largest first: a batch is written as groups
// of these sizes, so a few statement texts serve every batch (the
// transaction caches each prepared one). 64 rows of six values stay far
// under SQLite's limit on bound values.
var rowGroups = []int{64, 16, 4, 1}

// AddAttestations stores attestations as AddAttestation stores each, in
// order, with one statement per group of rows instead of one per row
// (decision 0035: a batch of local changes attests every one). A row whose
// key is already stored is not written; if one of them attests another
// hash than the stored row, that proves equivocation as AddAttestation
// says, and the *EquivocationError of the first such row is returned
// (unlike AddAttestation called row by row, rows after it in its group may
// be stored too: a caller that keeps the transaction after that error must
// not count on them being absent).
func (tx *Tx) AddAttestations(rows []AttestationRow) error {
	if err := tx.writer(); err != nil {
		return err
	}
	for _, a := range rows {
		if a.Doc == "" || len(a.Actor) == 0 || len(a.Signer) == 0 || a.Seq == 0 {
			return &RefusedError{Reason: ReasonEmptyIdentity}
		}
	}
	prep := make([]*PreparedAttestation, len(rows))
	for i, a := range rows {
		k := tx.attKeyOf(a)
		sealed, err := tx.seal("attestations", a, k.doc, k.actor, k.seq, k.signer)
		if err != nil {
			return fmt.Errorf("store: seal attestation: %w", err)
		}
		prep[i] = &PreparedAttestation{row: a, key: k, hash: tx.hashIndex(a.Hash), sealed: sealed}
	}
	return tx.insertAttestations(prep)
}

// AddPreparedAttestations is AddAttestations of rows prepared for this
// transaction (ChangePreparer.PrepareAttestation, decision 0036): the
// same statements, and a taken key handled the same way.
func (tx *Tx) AddPreparedAttestations(rows []*PreparedAttestation) error {
	if err := preparedBatch(tx, rows, "attestations"); err != nil {
		return err
	}
	return tx.insertAttestations(rows)
}

// insertAttestations writes rows with one statement per group.
func (tx *Tx) insertAttestations(rows []*PreparedAttestation) error {
	return inGroups(rows, tx.insertAttestationGroup)
}

// insertAttestationGroup writes one group of attestation rows in one
// statement; when fewer rows went in than were given, it finds the ones
// whose key was taken and handles each as AddAttestation does.
func (tx *Tx) insertAttestationGroup(rows []*PreparedAttestation) error {
	args := make([]any, 0, 6*len(rows))
	for _, a := range rows {
		args = append(args, a.key.doc, a.key.actor, a.row.Seq, a.key.signer, a.hash, a.sealed)
	}
	r, err := tx.exec(multiRow(`INSERT INTO attestations (doc, actor, seq, signer, hash, blob) VALUES `, "(?, ?, ?, ?, ?, ?)", len(rows))+
		` ON CONFLICT (doc, actor, seq, signer) DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("store: add attestations: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: add attestations: %w", err)
	}
	if int(n) == len(rows) {
		return nil
	}
	// Some keys were taken. Each row now stored under a key holds the
	// hash given (written now, or a duplicate) unless it is another's.
	for _, a := range rows {
		old, err := tx.attestation(a.key)
		if err != nil {
			return err
		}
		if old.Hash != a.row.Hash {
			return tx.equivocation(a.key, old, a.row)
		}
	}
	return nil
}

// AddOutboxMany queues stored changes of doc for publishing, in order, as
// AddOutbox queues each, with one statement per group of rows.
func (tx *Tx) AddOutboxMany(doc string, hashes [][32]byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	d := tx.index(doc)
	rows := make([]*PreparedOutbox, len(hashes))
	for i, hash := range hashes {
		h := tx.hashIndex(hash)
		sealed, err := tx.seal("outbox", OutboxRow{Doc: doc, Hash: hash}, d, h)
		if err != nil {
			return fmt.Errorf("store: seal outbox: %w", err)
		}
		rows[i] = &PreparedOutbox{doc: d, hash: h, sealed: sealed}
	}
	return tx.insertOutbox(rows)
}

// AddPreparedOutbox is AddOutboxMany of rows prepared for this
// transaction (ChangePreparer.PrepareOutbox, decision 0036).
func (tx *Tx) AddPreparedOutbox(rows []*PreparedOutbox) error {
	if err := preparedBatch(tx, rows, "outbox"); err != nil {
		return err
	}
	return tx.insertOutbox(rows)
}

// insertOutbox writes outbox rows with one statement per group. A row
// takes the n of its change's row in changes (migration 0006, decision
// 0052): the rows of an import append to the table as its change rows
// do, and a change queued again is not written twice. A change that is not
// stored cannot be queued: nothing could publish it.
func (tx *Tx) insertOutbox(rows []*PreparedOutbox) error {
	return inGroups(rows, func(group []*PreparedOutbox) error {
		args := make([]any, 0, 3*len(group))
		for _, o := range group {
			args = append(args, o.doc, o.hash, o.sealed)
		}
		r, err := tx.exec(outboxRowsQuery(len(group)), args...)
		if err != nil {
			return fmt.Errorf("store: add outbox: %w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: add outbox: %w", err)
		}
		if int(n) == len(group) {
			return nil
		}
		// Fewer went in: queued already (not an error), or not stored.
		for _, o := range group {
			var k int64
			err := tx.one("SELECT n FROM changes WHERE doc = ? AND hash = ?", []any{o.doc, o.hash}, &k)
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("store: add outbox: a change of the batch is not stored (store a change before queuing it): %w", err)
			}
			if err != nil {
				return fmt.Errorf("store: add outbox: %w", err)
			}
		}
		return nil
	})
}

// outboxRowsQuery is the statement that queues n outbox rows, each under
// its change's n.
func outboxRowsQuery(n int) string {
	if q, ok := outboxRowsQueries.Load(n); ok {
		return q.(string)
	}
	q := multiRow("INSERT OR IGNORE INTO outbox (n, doc, hash, blob) SELECT c.n, v.column1, v.column2, v.column3 FROM (VALUES ",
		"(?, ?, ?)", n) + ") AS v JOIN changes c ON c.doc = v.column1 AND c.hash = v.column2"
	outboxRowsQueries.Store(n, q)
	return q
}

// outboxRowsQueries remembers the texts outboxRowsQuery built, by n.
var outboxRowsQueries sync.Map // int -> string

// preparedBatch refuses a batch of prepared rows (what names them in the
// error) when tx cannot write or a row was not prepared: the check
// AddPreparedAttestations and AddPreparedOutbox share.
func preparedBatch[T any](tx *Tx, rows []*T, what string) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if slices.Contains(rows, nil) {
		return fmt.Errorf("store: add %s: nothing prepared", what)
	}
	return nil
}

// inGroups calls write for rows in groups of the sizes of rowGroups, in
// order, and stops at the first error.
func inGroups[T any](rows []T, write func(group []T) error) error {
	for len(rows) > 0 {
		n := groupSize(len(rows))
		if err := write(rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// groupSize is the largest of rowGroups that n rows fill.
func groupSize(n int) int {
	for _, g := range rowGroups {
		if n >= g {
			return g
		}
	}
	return n
}

// multiRows remembers the statement texts multiRow built.
var multiRows sync.Map // multiRowKey -> string

// multiRowKey names a text multiRow built (without formatting one per
// statement, decision 0038).
type multiRowKey struct {
	head, row string
	n         int
}

// multiRow returns head followed by n copies of row, comma-separated.
func multiRow(head, row string, n int) string {
	key := multiRowKey{head, row, n}
	if q, ok := multiRows.Load(key); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	q := b.String()
	multiRows.Store(key, q)
	return q
}
