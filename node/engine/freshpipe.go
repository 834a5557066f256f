package engine

import "sync"

// Calls in flight (decision 0034). Every request to a process goes
// through its writer, in the order the calls were made, and every
// response through its reader, which hands it to the oldest call still
// waiting: the engine answers in order. A pipelined call (ApplyMany)
// waits for its answer without holding the Engine's lock, so the next
// one is written while the engine works and the engine never waits for
// the node to read an answer and send the next request (which, on a
// node whose every P is busy storing, takes until its netpoller is next
// looked at: milliseconds a call). Any other call runs alone, as before:
// it waits until the calls in flight have been answered, and holds the
// lock until its own is.

// waiter is one call's place in a process's queue.
type waiter struct {
	resp Response
	err  error
	done chan struct{}
}

// queue is a process's calls in flight, oldest first, and its pending
// requests.
type queue struct {
	mu      sync.Mutex
	cond    *sync.Cond // signalled when a call is answered or a frame queued
	waiting []*waiter  // written (or about to be), not yet answered
	frames  [][]byte   // not yet written
	broken  error      // set once the reader stopped: every later call fails with it
	stopped bool       // the writer is to stop (the process was let go)
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// send queues frame for the writer and returns the waiter its answer
// goes to: already done when the reader has stopped.
func (q *queue) send(frame []byte) *waiter {
	w := &waiter{done: make(chan struct{})}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.broken != nil {
		w.err = q.broken
		close(w.done)
		return w
	}
	q.waiting = append(q.waiting, w)
	q.frames = append(q.frames, frame)
	q.cond.Broadcast()
	return w
}

// drain waits until no call is in flight (or the reader has stopped).
func (q *queue) drain() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.waiting) > 0 && q.broken == nil {
		q.cond.Wait()
	}
}

// answer hands resp to the oldest waiting call, or reports false when
// no call waits for it.
func (q *queue) answer(resp Response) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 {
		return false
	}
	w := q.waiting[0]
	q.waiting = q.waiting[1:]
	w.resp = resp
	close(w.done)
	q.cond.Broadcast()
	return true
}

// fail makes every waiting and later call fail with err.
func (q *queue) fail(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.broken == nil {
		q.broken = err
	}
	for _, w := range q.waiting {
		w.err = q.broken
		close(w.done)
	}
	q.waiting = nil
	q.cond.Broadcast()
}

// next returns the oldest frame not yet written, waiting for one; ok is
// false once the writer is to stop.
func (q *queue) next() (frame []byte, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.frames) == 0 && !q.stopped {
		q.cond.Wait()
	}
	if q.stopped {
		return nil, false
	}
	frame, q.frames = q.frames[0], q.frames[1:]
	return frame, true
}

// stop lets the writer go.
func (q *queue) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopped = true
	q.cond.Broadcast()
}

// write is a process's writer: it writes the queued requests in order
// until stop; a failed write kills the process (its reader then fails
// every call in flight).
func (p *process) write() {
	for {
		frame, ok := p.q.next()
		if !ok {
			return
		}
		if err := writeEncoded(p.stdin, frame); err != nil {
			p.kill()
			p.q.fail(ErrDied)
		}
	}
}

// read is a process's reader: it hands each response to the oldest call
// waiting, until the process's output ends or garbles (then it kills the
// process, as a garbled frame from a live child is not to be trusted
// again, and fails every call in flight).
func (p *process) read() {
	for {
		var resp Response
		err := ReadFrame(p.stdout, &resp)
		if err == nil && p.q.answer(resp) {
			continue
		}
		p.kill()
		p.q.fail(ErrDied)
		p.q.stop()
		return
	}
}
