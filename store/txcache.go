package store

// txCache remembers, for one write transaction, what AddChange would
// otherwise read again for every change of a batch. It dies with the
// transaction, so a rollback discards it.
type txCache struct {
	manifests map[string]manifest // dirty manifests, written by flush
	loaded    map[string]loaded   // manifests read, or found missing, in this transaction
	actors    map[string]bool     // doc index + actor index known stored
	cuts      map[string]cutEntry // doc index + actor index
	held      map[string]bool     // doc index: whether any change may be held
	// quarantined: the hash and author indexes of the quarantine list,
	// read once by QuarantinedAmong or AuthorQuarantined (nil: not read,
	// or written since: read again).
	quarantined *quarantineIndex
	// noDoc: doc indexes DocsAmong found without a record in this
	// transaction, and PutDoc has not written since (it then skips
	// reading the record it would replace: decision 0044).
	noDoc map[string]bool
	// seqs: per doc index + actor index, the actor's highest stored seq and
	// the changes inserted in this transaction by seq; rows: the changes
	// inserted in this transaction, by doc index + hash index. AddChange
	// answers its sequence and dependency checks from them, so that a
	// causally ordered batch costs no lookup per change.
	seqs map[string]*actorSeqs
	rows map[string]insertedRow
	// queue: the change rows and dependency rows inserted and not yet
	// written (storerows.go).
	queue queuedRows
	// keyBuf: the bytes of the last key made by key, reused.
	keyBuf []byte
}

// key returns the key of the maps above for two indexes (a document's and
// an actor's or a change's), in a buffer the next call overwrites: it is
// for m[string(c.key(a, b))], which reads a map without a copy of the key
// (string(a)+string(b) made one, 64 bytes, for each of the four lookups
// a stored change costs). A write, m[string(...)] = v, copies the key.
func (c *txCache) key(a, b []byte) []byte {
	c.keyBuf = append(append(c.keyBuf[:0], a...), b...)
	return c.keyBuf
}

// actorSeqs is what a transaction knows of one actor's changes in one
// document.
type actorSeqs struct {
	max   uint64            // highest seq stored, this transaction's included
	added map[uint64][]byte // seq -> hash index, inserted in this transaction
}

// insertedRow is a change inserted in this transaction, as
// depsReachable reads it.
type insertedRow struct {
	reachable uint64
	actor     []byte
	seq       uint64
}

// loaded is a manifest as the store held it when the transaction first
// read it, or its absence.
type loaded struct {
	m     manifest
	found bool
}

// cutEntry is a cached cut lookup.
type cutEntry struct {
	maxSeq uint64
	ok     bool
}

// cached returns the transaction's cache, making it on first use.
func (tx *Tx) cached() *txCache {
	if tx.txc == nil {
		tx.txc = &txCache{manifests: map[string]manifest{}, loaded: map[string]loaded{}, actors: map[string]bool{},
			cuts: map[string]cutEntry{}, held: map[string]bool{},
			seqs: map[string]*actorSeqs{}, rows: map[string]insertedRow{}}
	}
	return tx.txc
}

// mayHold reports whether doc may have held changes.
func (tx *Tx) mayHold(doc []byte) (bool, error) {
	c := tx.cached()
	if h, ok := c.held[string(doc)]; ok {
		return h, nil
	}
	h, err := tx.exists("SELECT 1 FROM held WHERE doc = ? LIMIT 1", doc)
	if err == nil {
		c.held[string(doc)] = h
	}
	return h, err
}

// flush writes the queued change rows and the manifests the transaction
// changed; run calls it before committing.
func (tx *Tx) flush() error {
	if tx.txc == nil {
		return nil
	}
	if err := tx.writeQueued(); err != nil {
		return err
	}
	for doc, m := range tx.txc.manifests {
		if err := tx.writeManifest([]byte(doc), m); err != nil {
			return err
		}
	}
	clear(tx.txc.manifests)
	return nil
}

// actorSeqs returns what the transaction knows of actor's changes in doc,
// reading the highest stored seq once.
func (tx *Tx) actorSeqs(doc, actor []byte) (*actorSeqs, error) {
	c := tx.cached()
	if s, ok := c.seqs[string(c.key(doc, actor))]; ok {
		return s, nil
	}
	var max uint64
	fresh, err := tx.docFresh(doc)
	if err != nil {
		return nil, err
	}
	if !fresh {
		if err := tx.one("SELECT coalesce(max(seq), 0) FROM changes WHERE doc = ? AND actor = ?", []any{doc, actor}, &max); err != nil {
			return nil, err
		}
	}
	s := &actorSeqs{max: max, added: map[uint64][]byte{}}
	c.seqs[string(doc)+string(actor)] = s
	return s, nil
}

// inserted records in the cache a change insert wrote.
func (tx *Tx) inserted(e *entry, reachable uint64) {
	c := tx.cached()
	if s, ok := c.seqs[string(c.key(e.doc, e.actor))]; ok {
		s.max = max(s.max, e.Seq)
		s.added[e.Seq] = e.hash
	}
	c.rows[string(c.key(e.doc, e.hash))] = insertedRow{reachable: reachable, actor: e.actor, seq: e.Seq}
}

// forgetInserted drops what the cache knows of stored changes (sequences
// and the changes inserted in this transaction): a change was deleted, and
// AddChange must ask the store again.
func (tx *Tx) forgetInserted() {
	c := tx.cached()
	clear(c.seqs)
	clear(c.rows)
}
