package scheduler

import (
	"iter"
	"time"
)

// Firing is one planned run of a job.
type Firing struct {
	At          time.Time // scheduled time, in the engine's time zone
	Job         string    // the job's name
	Description           // from the job's Describe; zero when it has none
}

// Firings yields the firings of all jobs at or after from, in time order
// (jobs firing at the same time in the order they were added), each
// described by its job's Describe. Firings a job would skip are included,
// marked Skip. The sequence ends only when no job fires any more, so take
// what you need.
func (e *Engine) Firings(from time.Time) iter.Seq[Firing] {
	e.mu.Lock()
	jobs := make([]*entry, len(e.entries))
	copy(jobs, e.entries) // the loop owns entry.next; only job and schedule are read here
	e.mu.Unlock()
	return func(yield func(Firing) bool) {
		// Next is strictly after its argument, at whole seconds; a
		// nanosecond earlier makes from itself count.
		start := from.In(e.loc).Add(-time.Nanosecond)
		next := make([]time.Time, len(jobs))
		for i, en := range jobs {
			next[i] = en.schedule.Next(start)
		}
		for {
			k := -1
			for i, t := range next {
				if !t.IsZero() && (k < 0 || t.Before(next[k])) {
					k = i
				}
			}
			if k < 0 {
				return
			}
			f := Firing{At: next[k], Job: jobs[k].job.Name}
			if jobs[k].job.Describe != nil {
				f.Description = jobs[k].job.Describe(f.At)
			}
			if !yield(f) {
				return
			}
			next[k] = jobs[k].schedule.Next(next[k])
		}
	}
}

// Plan lists the next n firings at or after from (see Firings).
func (e *Engine) Plan(from time.Time, n int) []Firing {
	if n <= 0 {
		return nil
	}
	plan := make([]Firing, 0, n)
	for f := range e.Firings(from) {
		plan = append(plan, f)
		if len(plan) == n {
			break
		}
	}
	return plan
}
