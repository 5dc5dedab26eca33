package attendance

import (
	"time"

	"github.com/baosong/baosong/org"
)

// Schedule knows the attendance due times: the configured weekdays at the
// configured time, moved off non-working days by the calendar's holiday
// policy, none inside a school vacation (see the package comment). It is
// immutable and safe for concurrent use.
type Schedule struct {
	cal      *org.Calendar
	loc      *time.Location
	weekdays [7]bool
	hour     int
	minute   int
}

// searchDays bounds every walk along the calendar: no gap between two forms
// (a long vacation) is longer than this.
const searchDays = 400

// moveSlack is how many days a holiday policy may move a due time: longer
// than any run of holidays and weekends.
const moveSlack = 31

// NewSchedule builds the schedule of the attendance policy on a calendar.
func NewSchedule(a org.AttendancePolicy, cal *org.Calendar) *Schedule {
	s := &Schedule{cal: cal, loc: cal.Location(), hour: a.DueTime.Hour, minute: a.DueTime.Minute}
	for _, d := range a.DueWeekdays {
		if d >= 0 && d < 7 {
			s.weekdays[d] = true
		}
	}
	return s
}

// Location is the organisation's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// Calendar is the calendar the schedule runs on.
func (s *Schedule) Calendar() *org.Calendar { return s.cal }

// dueOn returns the due time of the nominal due day d (midnight), after the
// holiday policy, and the calendar's reason when the policy moved it; ok is
// false when d is no due weekday or the due time lies in a vacation.
func (s *Schedule) dueOn(d time.Time) (due time.Time, reason string, ok bool) {
	if !s.weekdays[d.Weekday()] {
		return time.Time{}, "", false
	}
	nominal := time.Date(d.Year(), d.Month(), d.Day(), s.hour, s.minute, 0, 0, s.loc)
	if _, vac := s.cal.InVacation(nominal); vac {
		return time.Time{}, "", false
	}
	moved, reason := s.cal.Deadline(nominal)
	if _, vac := s.cal.InVacation(moved); vac {
		return time.Time{}, "", false
	}
	return moved, reason, true
}

// A Due is the form due on one day: its due time and the nominal due days
// the holiday policy moved onto it, in order (none when it is on its own
// day; two moved onto one day make one form).
type Due struct {
	At    time.Time
	Moves []org.Move
}

// On is the form due on day's date, if any: the one rule of when a form is
// due, which the scheduler's reminders ask too.
func (s *Schedule) On(day time.Time) (Due, bool) {
	day = s.startOfDay(day)
	var d Due
	found := false
	for i := -moveSlack; i <= moveSlack; i++ {
		nominal := addDays(day, i)
		due, reason, ok := s.dueOn(nominal)
		if !ok || !s.startOfDay(due).Equal(day) {
			continue
		}
		d.At, found = due, true
		if reason != "" {
			d.Moves = append(d.Moves, org.Move{Nominal: nominal, Reason: reason})
		}
	}
	return d, found
}

func (s *Schedule) startOfDay(t time.Time) time.Time { return s.cal.Midnight(t) }

func addDays(d time.Time, n int) time.Time { return d.AddDate(0, 0, n) }

// Next is the first due time at or after t.
func (s *Schedule) Next(t time.Time) (time.Time, bool) {
	// Due times are monotonic in their nominal day, so walking nominal days
	// forward from a little before t finds the first one that lands at or
	// after t (a policy of "after" may carry an earlier day past t).
	day := addDays(s.startOfDay(t), -moveSlack)
	for i := 0; i < searchDays+moveSlack; i++ {
		if due, _, ok := s.dueOn(addDays(day, i)); ok && !due.Before(t) {
			return due, true
		}
	}
	return time.Time{}, false
}

// Prev is the last due time strictly before t.
func (s *Schedule) Prev(t time.Time) (time.Time, bool) {
	day := addDays(s.startOfDay(t), moveSlack)
	for i := 0; i < searchDays+moveSlack; i++ {
		if due, _, ok := s.dueOn(addDays(day, -i)); ok && due.Before(t) {
			return due, true
		}
	}
	return time.Time{}, false
}

// Between lists the due times in [from, to), in order, each once.
func (s *Schedule) Between(from, to time.Time) []time.Time {
	var out []time.Time
	last := time.Time{}
	end := addDays(s.startOfDay(to), moveSlack)
	for day := addDays(s.startOfDay(from), -moveSlack); !day.After(end); day = addDays(day, 1) {
		due, _, ok := s.dueOn(day)
		if !ok || due.Before(from) || !due.Before(to) || due.Equal(last) {
			continue
		}
		out = append(out, due)
		last = due
	}
	return out
}
