package attendance

// Outing notices (外出, O<n>; 篇10 第3条: 学校组织学生外出活动，班主任至少提前
// 一天通知家长). A teacher registers an outing of their own class, the office
// of any class: the day, optionally a time, the place and the number of
// students, and what the class does. The class teacher is reminded at
// [outing] remind_at on the working day before the outing to notify the
// guardians and confirms with 已通知 O3; at [outing] overdue_at the office
// gets the outings not yet confirmed.
//
// "At least one working day ahead" is read as: registered before that
// reminder (15:00 on the working day before the outing), so that the
// class teacher is told in time to notify the guardians the day before. A
// later registration is refused unless marked 紧急; an urgent one reminds
// the class teacher at once.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Refusals of an outing notice.
var (
	ErrNoOuting        = errors.New("attendance: no such outing notice")
	ErrOutingPast      = errors.New("attendance: the outing's day has passed")
	ErrOutingNotYours  = errors.New("attendance: a teacher registers outings of their own class only")
	ErrNotOutingHolder = errors.New("attendance: only a class teacher of the outing's class confirms it")
	ErrNoActivity      = errors.New("attendance: the outing names no activity")
)

// OutingTooLateError refuses a non-urgent outing registered after its
// reminder time; Deadline is that time.
type OutingTooLateError struct{ Deadline time.Time }

func (e *OutingTooLateError) Error() string {
	return "attendance: outing registered after " + e.Deadline.Format(time.DateTime) + " without 紧急"
}

// OutingPlan is what a registration says about an outing.
type OutingPlan struct {
	Unit     string    // class unit id
	Day      time.Time // the outing's day (any instant of it)
	Time     string    // "08:30" or "08:00-16:00"; "" when not given
	Place    string
	Activity string
	Students int // 0 when not given
	Urgent   bool
	Text     string // the message as typed
}

// Outing is an outing notice (O<n>).
type Outing struct {
	ID            string    `json:"id"`
	Unit          string    `json:"unit"`
	UnitName      string    `json:"unit_name,omitempty"`
	Submitter     string    `json:"submitter"`
	SubmitterName string    `json:"submitter_name,omitempty"`
	Date          string    `json:"date"` // 2026-12-10
	Time          string    `json:"time,omitempty"`
	Place         string    `json:"place,omitempty"`
	Activity      string    `json:"activity"`
	Students      int       `json:"students,omitempty"`
	Urgent        bool      `json:"urgent,omitempty"`
	Text          string    `json:"text"`
	At            time.Time `json:"at"`        // registered
	RemindAt      time.Time `json:"remind_at"` // the class teacher's reminder (the working day before)
	// NotifiedAt is when a class teacher confirmed notifying the guardians.
	NotifiedAt     *time.Time `json:"notified_at,omitempty"`
	NotifiedBy     string     `json:"notified_by,omitempty"`
	NotifiedByName string     `json:"notified_by_name,omitempty"`
	Pushed         []string   `json:"pushed,omitempty"` // told at registration
}

// Day is the outing's day at midnight in loc.
func (o *Outing) Day(loc *time.Location) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, o.Date, loc)
	return d
}

// OutingRemindAt is the reminder of an outing on day: [outing] remind_at on
// the last working day before it.
func (a *Service) OutingRemindAt(day time.Time) time.Time {
	day = a.Schedule.startOfDay(day)
	return a.OutingTimes.RemindAt.On(a.Schedule.Calendar().AddWorkdays(day, -1), a.Location())
}

// RegisterOuting records an outing notice and tells the office (when a
// teacher registers it) and the class's other teachers; an urgent one
// registered after its reminder time reminds them at once.
func (a *Service) RegisterOuting(ctx context.Context, m *org.Member, p OutingPlan, at time.Time) (*Outing, error) {
	at = a.at(at).In(a.Location())
	day := a.Schedule.startOfDay(p.Day)
	if u, ok := a.Dir.Unit(p.Unit); !ok || u.Kind != org.Class {
		return nil, ErrNotAClass
	}
	switch {
	case strings.TrimSpace(p.Activity) == "" && strings.TrimSpace(p.Place) == "":
		return nil, ErrNoActivity
	case day.Before(a.Schedule.startOfDay(at)):
		return nil, ErrOutingPast
	case !m.Has(org.Office) && !(m.Has(org.Teacher) && m.In(p.Unit)):
		return nil, ErrOutingNotYours
	}
	if p.Activity == "" {
		p.Activity = "外出活动" // only the place was given
	}
	remind := a.OutingRemindAt(day)
	late := !at.Before(remind)
	if late && !p.Urgent {
		return nil, &OutingTooLateError{Deadline: remind}
	}
	var out *Outing
	err := a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		id, err := tx.NewOutingID()
		if err != nil {
			return err
		}
		o := &Outing{ID: id, Unit: p.Unit, UnitName: a.Dir.UnitName(p.Unit), Submitter: m.ID, SubmitterName: m.Name,
			Date: day.Format(time.DateOnly), Time: p.Time, Place: p.Place, Activity: p.Activity, Students: p.Students,
			Urgent: p.Urgent, Text: p.Text, At: at, RemindAt: remind}
		var pushes []bot.Notification
		tell := func(to []*org.Member, title, text string) {
			for _, r := range to {
				if r.ID != m.ID {
					pushes = append(pushes, bot.Notification{Key: id + "|" + r.ID, To: bot.Recipient{Member: r.ID},
						Title: title, Text: text})
				}
			}
		}
		if !m.Has(org.Office) {
			tell(a.Dir.WithRole(org.Office), outingOfficeTitle, fmt.Sprintf(pushOutingOffice, m.Name, o.Brief(a.Location()), id))
		}
		ask := fmt.Sprintf(pushOutingTeacher, m.Name, o.Brief(a.Location()), id, org.DayLabel(remind), id)
		if late {
			ask = fmt.Sprintf(pushOutingUrgent, m.Name, o.Brief(a.Location()), id, id)
		}
		tell(a.Dir.InUnit(p.Unit, org.Teacher), outingTitle, ask)
		for _, n := range pushes {
			o.Pushed = append(o.Pushed, n.To.Member)
		}
		slices.Sort(o.Pushed)
		o.Pushed = slices.Compact(o.Pushed)
		action := "登记外出"
		if p.Urgent {
			action = "登记外出（紧急）"
		}
		if err := tx.PutOuting(o, action); err != nil {
			return err
		}
		if err := tx.Enqueue(pushes...); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, err
}

// ConfirmOuting records that a class teacher notified the guardians
// (已通知 O3). Confirming again changes nothing: again is true and the
// outing says when it was first confirmed.
func (a *Service) ConfirmOuting(ctx context.Context, m *org.Member, id string, at time.Time) (o *Outing, again bool, err error) {
	at = a.at(at)
	err = a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		o, again = nil, false
		cur, err := tx.Outing(id)
		if err != nil {
			return err
		}
		if !m.Has(org.Teacher) || !m.In(cur.Unit) {
			return ErrNotOutingHolder
		}
		o = cur
		if o.NotifiedAt != nil {
			again = true
			return nil
		}
		o.NotifiedAt, o.NotifiedBy, o.NotifiedByName = &at, m.ID, m.Name
		return tx.PutOuting(o, "已通知家长")
	})
	return o, again, err
}

// Outing loads one outing notice.
func (a *Service) Outing(id string) (*Outing, error) {
	var o *Outing
	err := a.Store.ViewAttendance(func(tx Tx) error {
		var err error
		o, err = tx.Outing(id)
		return err
	})
	return o, err
}

// Outings lists the outing notices whose day lies in [from, to] (days), in
// id order; unconfirmed keeps only those no class teacher has confirmed.
func (a *Service) Outings(from, to time.Time, unconfirmed bool) ([]*Outing, error) {
	first, last := a.Schedule.startOfDay(from).Format(time.DateOnly), a.Schedule.startOfDay(to).Format(time.DateOnly)
	var out []*Outing
	err := a.Store.ViewAttendance(func(tx Tx) error {
		all, err := tx.Outings()
		for _, o := range all {
			if o.Date >= first && o.Date <= last && (!unconfirmed || o.NotifiedAt == nil) {
				out = append(out, o)
			}
		}
		return err
	})
	return out, err
}

// Brief is the outing in one line: 高一(1)班 12月10日（周四）08:00 参观科技馆（地点：科技馆，学生 45 人）.
func (o *Outing) Brief(loc *time.Location) string {
	s := o.UnitName + " " + org.DayLabel(o.Day(loc))
	if o.Time != "" {
		s += o.Time
	}
	s += " " + o.Activity
	var more []string
	if o.Place != "" {
		more = append(more, "地点："+o.Place)
	}
	if o.Students > 0 {
		more = append(more, fmt.Sprintf("学生 %d 人", o.Students))
	}
	if len(more) > 0 {
		s += "（" + strings.Join(more, "，") + "）"
	}
	return strings.TrimSpace(s)
}

// RecentOutings lists, newest first, at most limit outing notices that m
// registered or whose class m teaches (they confirm notifying the guardians).
func (a *Service) RecentOutings(m *org.Member, limit int) ([]*Outing, error) {
	var out []*Outing
	err := a.Store.ViewAttendance(func(tx Tx) error {
		all, err := tx.Outings()
		for i := len(all) - 1; i >= 0 && len(out) < limit; i-- {
			if o := all[i]; o.Submitter == m.ID || (m.Has(org.Teacher) && m.In(o.Unit)) {
				out = append(out, o)
			}
		}
		return err
	})
	return out, err
}
