package scheduler

import "time"

// RunningClock returns a clock that reads start now and runs on from there at
// the pace of the real (monotonic) clock: `baosong serve -now T`. Every part
// of the program should read this one clock.
func RunningClock(start time.Time) func() time.Time {
	origin := time.Now()
	return func() time.Time { return start.Add(time.Since(origin)) }
}
