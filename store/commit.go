package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// committer runs the store's writes in shared commits (group commit). A
// write that finds no commit in progress is committed at once; writes that
// arrive while a commit is being made wait for it and then share the next
// one. An idle server so answers after a single commit, and a busy one
// commits together whatever arrived during the previous commit. (bbolt's own
// Batch instead holds every write for a fixed delay in the hope of company,
// a delay each message pays twice when the load is light.)
type committer struct {
	// update runs fn in one transaction of the engine (bbolt's Update; on
	// PostgreSQL one serializable transaction, retried when it conflicts
	// with another node's).
	update  func(fn func(kvTx) error) error
	max     int // writes in one commit at most
	mu      sync.Mutex
	pending []write
	running bool
	// failing counts the commits in a row that failed in bbolt itself (an
	// I/O error, a full disk) or panicked (a damaged page); a write refused
	// by its own logic does not count, any successful commit resets it.
	failing atomic.Int64
}

// errPanicked marks a write that panicked.
var errPanicked = errors.New("store: write panicked")

// note counts a commit's outcome: err is the commit's, fnErr what the write
// function returned (nil when the commit itself failed).
func (c *committer) note(err, fnErr error) {
	switch {
	case err == nil:
		c.failing.Store(0)
	case fnErr == nil || errors.Is(fnErr, errPanicked) || errors.As(err, new(*dbError)):
		c.failing.Add(1)
	}
}

type write struct {
	fn   func(kvTx) error
	done chan error
}

// errAlone tells a write that failed in a shared commit to run on its own.
var errAlone = errors.New("store: run alone")

// do runs fn in a commit shared with concurrent writes and returns when it
// is durable. fn may run more than once: when a write of the group fails,
// the others run again without it, and the failed one runs alone, so that
// its error is its own.
func (c *committer) do(fn func(kvTx) error) error {
	w := write{fn: fn, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, w)
	if !c.running {
		c.running = true
		go c.run()
	}
	c.mu.Unlock()
	err := <-w.done
	if errors.Is(err, errAlone) {
		var fnErr error
		err = c.update(func(tx kvTx) error {
			fnErr = guarded(fn, tx)
			return fnErr
		})
		c.note(err, fnErr)
	}
	return err
}

// run commits the waiting writes, group after group, until none wait.
func (c *committer) run() {
	for {
		c.mu.Lock()
		ws := c.pending
		if len(ws) > c.max {
			ws, c.pending = ws[:c.max:c.max], ws[c.max:]
		} else {
			c.pending = nil
		}
		if len(ws) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.commit(ws)
	}
}

func (c *committer) commit(ws []write) {
	for len(ws) > 0 {
		failed := -1
		err := c.update(func(tx kvTx) error {
			failed = -1 // the engine may run this again
			for i, w := range ws {
				if err := guarded(w.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			c.note(err, nil)
			for _, w := range ws {
				w.done <- err
			}
			return
		}
		ws[failed].done <- errAlone // it notes its own outcome
		ws = slices.Delete(ws, failed, failed+1)
	}
}

// guarded runs fn, turning a panic into an error: one bad write must not
// take the others (or the process) down.
func guarded(fn func(kvTx) error, tx kvTx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errPanicked, p)
		}
	}()
	return fn(tx)
}
