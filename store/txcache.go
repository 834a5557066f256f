package store

// txCache remembers, for one write transaction, what AddChange would
// otherwise read again for every change of a batch. It dies with the
// transaction, so a rollback discards it.
type txCache struct {
	manifests map[string]manifest // dirty manifests, written by flush
	actors    map[string]bool     // doc index + actor index known stored
	cuts      map[string]cutEntry // doc index + actor index
	held      map[string]bool     // doc index: whether any change may be held
}

// cutEntry is a cached cut lookup.
type cutEntry struct {
	maxSeq uint64
	ok     bool
}

// cached returns the transaction's cache, making it on first use.
func (tx *Tx) cached() *txCache {
	if tx.txc == nil {
		tx.txc = &txCache{manifests: map[string]manifest{}, actors: map[string]bool{},
			cuts: map[string]cutEntry{}, held: map[string]bool{}}
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

// flush writes the manifests the transaction changed; run calls it before
// committing.
func (tx *Tx) flush() error {
	if tx.txc == nil {
		return nil
	}
	for doc, m := range tx.txc.manifests {
		if err := tx.writeManifest([]byte(doc), m); err != nil {
			return err
		}
	}
	clear(tx.txc.manifests)
	return nil
}
