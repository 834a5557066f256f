package store

import (
	"errors"
	"fmt"
	"strings"
)

// Documents stored before their round-trip check (decision 0049). A
// document new to the node is committed once the engine has loaded its
// changes, and the check that its saved form loads back runs after the
// commit. Its row in unchecked_docs (migration 0007), written in the
// transaction that stores the document and deleted in the one that finds
// it sound, is what tells the next Open, after a crash or a close that
// could not check it, that the check is still owed.

// MarkUnchecked records docs as stored and not yet round-trip checked, in
// this transaction, with one statement per MaxManyDocs of them. Marking a
// document marked already changes nothing.
func (tx *Tx) MarkUnchecked(docs []string) error {
	if err := tx.writer(); err != nil {
		return err
	}
	for from := 0; from < len(docs); from += MaxManyDocs {
		group := docs[from:min(len(docs), from+MaxManyDocs)]
		args := make([]any, len(group))
		for i, id := range group {
			args[i] = tx.index(id)
		}
		q := "INSERT OR IGNORE INTO unchecked_docs (doc) VALUES (?)" + strings.Repeat(",(?)", len(group)-1)
		if _, err := tx.exec(q, args...); err != nil {
			return fmt.Errorf("store: mark documents unchecked: %w", err)
		}
	}
	return nil
}

// ClearUnchecked records that docs passed their round-trip check: their
// unchecked marks, if any, are deleted in this transaction.
func (tx *Tx) ClearUnchecked(docs ...string) error {
	if err := tx.writer(); err != nil {
		return err
	}
	for from := 0; from < len(docs); from += MaxManyDocs {
		group := docs[from:min(len(docs), from+MaxManyDocs)]
		args := make([]any, len(group))
		for i, id := range group {
			args[i] = tx.index(id)
		}
		q := "DELETE FROM unchecked_docs WHERE doc IN (?" + strings.Repeat(",?", len(group)-1) + ")"
		if _, err := tx.exec(q, args...); err != nil {
			return fmt.Errorf("store: clear unchecked documents: %w", err)
		}
	}
	return nil
}

// UncheckedDocs lists the documents marked unchecked (MarkUnchecked) that
// have a record, by ID, in no particular order. A mark whose document has
// no record (dropped since) is left out.
func (tx *Tx) UncheckedDocs() ([]string, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []string
	err := tx.each("SELECT d.doc, d.space, d.blob FROM unchecked_docs u JOIN docs d ON d.doc = u.doc", nil,
		func(scan func(...any) error) error {
			var key, sp, sealed []byte
			if err := scan(&key, &sp, &sealed); err != nil {
				return err
			}
			d, err := tx.openDoc(key, sp, sealed)
			out = append(out, d.ID)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: unchecked documents: %w", err)
	}
	return out, nil
}

// IsUnchecked reports whether doc is marked unchecked.
func (tx *Tx) IsUnchecked(doc string) (bool, error) {
	if err := tx.unlocked(); err != nil {
		return false, err
	}
	ok, err := tx.exists("SELECT 1 FROM unchecked_docs WHERE doc = ?", tx.index(doc))
	if err != nil {
		return false, fmt.Errorf("store: unchecked document: %w", err)
	}
	return ok, nil
}

// DropDocIfEmpty deletes doc's record, its unchecked mark, its manifest
// and its actor rows when none of its changes is stored (nor held): what is
// left of a document whose every change was dropped (a new document
// whose round-trip check failed after the commit, decision 0049), so that
// it is listed no more. Its attestations stay, as DropChanges leaves
// those of the changes it drops. It reports whether it deleted the record.
func (tx *Tx) DropDocIfEmpty(doc string) (bool, error) {
	if err := tx.writer(); err != nil {
		return false, err
	}
	key := tx.index(doc)
	for _, q := range []string{"SELECT 1 FROM changes WHERE doc = ? LIMIT 1", "SELECT 1 FROM held WHERE doc = ? LIMIT 1"} {
		some, err := tx.exists(q, key)
		if err != nil || some {
			return false, err
		}
	}
	if _, err := tx.Doc(doc); errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	for _, q := range []string{
		"DELETE FROM docs WHERE doc = ?",
		"DELETE FROM unchecked_docs WHERE doc = ?",
		"DELETE FROM manifests WHERE doc = ?", // an empty manifest does not verify
		"DELETE FROM doc_actors WHERE doc = ?",
	} {
		if _, err := tx.exec(q, key); err != nil {
			return false, fmt.Errorf("store: drop empty document: %w", err)
		}
	}
	// The transaction's cache: the document is new to the store again.
	c := tx.cached()
	delete(c.manifests, string(key)) // not written back by flush
	c.loaded[string(key)] = loaded{}
	for k := range c.actors {
		if strings.HasPrefix(k, string(key)) {
			delete(c.actors, k)
		}
	}
	tx.forgetInserted()
	if c.noDoc == nil {
		c.noDoc = map[string]bool{}
	}
	c.noDoc[string(key)] = true // PutDoc need not read it again
	return true, nil
}
