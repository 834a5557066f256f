package store

import (
	"database/sql"
	"fmt"
)

// Quarantined is one change refused for good because it killed or broke the
// engine twice, replayed alone, with the member whose attestation covered it
// and why.
type Quarantined struct {
	_      struct{} `cbor:",toarray"`
	Doc    string
	Hash   [32]byte
	Author []byte // the attesting member's public key
	Reason string
	Time   int64 // unix seconds
}

// Quarantine records q. Recording the same (doc, hash) again does nothing.
func (tx *Tx) Quarantine(q Quarantined) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if q.Doc == "" || len(q.Author) == 0 {
		return &RefusedError{Hash: q.Hash, Reason: ReasonEmptyIdentity}
	}
	d, h := tx.index(q.Doc), tx.hashIndex(q.Hash)
	sealed, err := tx.seal("quarantine", q, d, h)
	if err != nil {
		return fmt.Errorf("store: seal quarantine: %w", err)
	}
	_, err = tx.exec("INSERT OR IGNORE INTO quarantine (doc, hash, author, blob) VALUES (?, ?, ?, ?)",
		d, h, tx.sealer.Index(q.Author), sealed)
	tx.cached().quarantined = nil // read the list again
	if err != nil {
		return fmt.Errorf("store: quarantine: %w", err)
	}
	return nil
}

// IsQuarantined reports whether a change with this hash is quarantined in
// any document.
func (tx *Tx) IsQuarantined(hash [32]byte) (bool, error) {
	if err := tx.unlocked(); err != nil {
		return false, err
	}
	ok, err := tx.exists("SELECT 1 FROM quarantine WHERE hash = ? LIMIT 1", tx.hashIndex(hash))
	if err != nil {
		return false, fmt.Errorf("store: is quarantined: %w", err)
	}
	return ok, nil
}

// AuthorQuarantined reports whether any quarantined change was attested by
// author. It reads the quarantine list once per transaction, as
// QuarantinedAmong does (an ingest of many documents asks once per
// document and author).
func (tx *Tx) AuthorQuarantined(author []byte) (bool, error) {
	if err := tx.unlocked(); err != nil {
		return false, err
	}
	list, err := tx.quarantineList()
	if err != nil {
		return false, fmt.Errorf("store: author quarantined: %w", err)
	}
	if len(list.authors) == 0 {
		return false, nil
	}
	return list.authors[string(tx.sealer.Index(author))], nil
}

// QuarantineList returns every quarantined change, oldest first.
func (tx *Tx) QuarantineList() ([]Quarantined, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []Quarantined
	err := tx.each("SELECT doc, hash, blob FROM quarantine ORDER BY n", nil, func(scan func(...any) error) error {
		var d, h, sealed []byte
		if err := scan(&d, &h, &sealed); err != nil {
			return err
		}
		var q Quarantined
		err := tx.open("quarantine", sealed, &q, d, h)
		out = append(out, q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: quarantine list: %w", err)
	}
	return out, nil
}

// LiftQuarantine removes the quarantine of the change hash, in every
// document, and returns how many entries it removed. The change is
// accepted again the next time it arrives, unless its author is still
// quarantined by another entry.
func (tx *Tx) LiftQuarantine(hash [32]byte) (int, error) {
	if err := tx.writer(); err != nil {
		return 0, err
	}
	r, err := tx.exec("DELETE FROM quarantine WHERE hash = ?", tx.hashIndex(hash))
	tx.cached().quarantined = nil // read the list again
	return lifted(r, err)
}

// LiftAuthorQuarantine removes every quarantine entry attested by author
// and returns how many it removed.
func (tx *Tx) LiftAuthorQuarantine(author []byte) (int, error) {
	if err := tx.writer(); err != nil {
		return 0, err
	}
	r, err := tx.exec("DELETE FROM quarantine WHERE author = ?", tx.sealer.Index(author))
	tx.cached().quarantined = nil // read the list again
	return lifted(r, err)
}

func lifted(r sql.Result, err error) (int, error) {
	if err != nil {
		return 0, fmt.Errorf("store: lift quarantine: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: lift quarantine: %w", err)
	}
	return int(n), nil
}

// QuarantinedAmong returns which of hashes are quarantined in any
// document, with one query whatever their number (the quarantine list is
// short: it is read whole), and none at all when the transaction has
// read it already and not written it since (a batch of many documents
// asks once per document: decision 0044).
func (tx *Tx) QuarantinedAmong(hashes [][32]byte) (map[[32]byte]bool, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	list, err := tx.quarantineList()
	if err != nil {
		return nil, fmt.Errorf("store: quarantined among: %w", err)
	}
	out := map[[32]byte]bool{}
	if len(list.hashes) == 0 {
		return out, nil
	}
	for _, h := range hashes {
		if list.hashes[string(tx.hashIndex(h))] {
			out[h] = true
		}
	}
	return out, nil
}

// quarantineIndex is the quarantine list's hash and author indexes, read
// once per transaction.
type quarantineIndex struct {
	hashes  map[string]bool
	authors map[string]bool
}

// quarantineList returns the quarantine list's indexes, read once per
// transaction and again after the transaction writes the list.
func (tx *Tx) quarantineList() (*quarantineIndex, error) {
	c := tx.cached()
	if c.quarantined != nil {
		return c.quarantined, nil
	}
	list := &quarantineIndex{hashes: map[string]bool{}, authors: map[string]bool{}}
	err := tx.each("SELECT hash, author FROM quarantine", nil, func(scan func(...any) error) error {
		var h, a []byte
		err := scan(&h, &a)
		list.hashes[string(h)] = true
		list.authors[string(a)] = true
		return err
	})
	if err != nil {
		return nil, err
	}
	c.quarantined = list
	return list, nil
}
