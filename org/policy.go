package org

import (
	"fmt"
	"time"
)

// The organisation's rules. Each service takes the one policy it needs
// (app hands it over); none reads the configuration file. Package config
// decodes the file's sections straight into these types (the TOML tags are
// the keys of SPEC §9), fills in the defaults and validates them, so a rule
// and its key are defined once.

// Policies are all the organisation's rules, one section of the file each.
type Policies struct {
	Attendance AttendancePolicy `toml:"attendance"`
	Submission SubmissionPolicy `toml:"submission"`
	Weekly     WeeklyPolicy     `toml:"weekly"`
	Outing     OutingPolicy     `toml:"outing"`
	Incident   IncidentPolicy   `toml:"incident"`
	Schedule   SchedulePolicy   `toml:"schedule"`
}

// ClockTime is a time of day, written "17:00" in the file. Text that is not
// a time is kept (see Malformed) so that every problem of a file is
// reported at once.
type ClockTime struct {
	Hour, Minute int
	bad          string
}

// UnmarshalText parses "HH:MM".
func (t *ClockTime) UnmarshalText(b []byte) error {
	v, err := time.Parse("15:04", string(b))
	if err != nil {
		t.bad = string(b)
		return nil
	}
	t.Hour, t.Minute, t.bad = v.Hour(), v.Minute(), ""
	return nil
}

// Malformed is the text that did not parse, "" when it did.
func (t ClockTime) Malformed() string { return t.bad }

// MarshalText writes "HH:MM".
func (t ClockTime) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

func (t ClockTime) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// On returns the instant at this clock time on d's date in loc.
func (t ClockTime) On(d time.Time, loc *time.Location) time.Time {
	d = d.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), t.Hour, t.Minute, 0, 0, loc)
}

// Duration is a time.Duration written "10m", "2h", "90s" in the file. Text
// that is not a duration, or a negative one, is kept (see Malformed).
type Duration struct {
	time.Duration
	bad string
}

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil || v < 0 {
		d.bad = string(b)
		return nil
	}
	d.Duration, d.bad = v, ""
	return nil
}

// Malformed is the text that did not parse, "" when it did.
func (d Duration) Malformed() string { return d.bad }

// MarshalText writes the duration back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// AttendancePolicy is [attendance]: when the class forms are due, and the
// discipline thresholds (篇2, 篇3, 篇10).
type AttendancePolicy struct {
	DueWeekdays []int       `toml:"due_weekdays"` // 0=Sunday … 6=Saturday; default Monday and Thursday
	DueTime     ClockTime   `toml:"due_time"`     // default 17:00
	Reminders   []ClockTime `toml:"reminders"`    // reminder times on due days; default 15:00, 16:30
	OverdueAt   ClockTime   `toml:"overdue_at"`   // overdue list; default 17:05
	// Thresholds per student per month (篇2 第四条).
	YellowHours     int `toml:"yellow_hours"`     // 黄牌警示, default 8
	CriticizeHours  int `toml:"criticize_hours"`  // 通报批评, default 12
	DisciplineHours int `toml:"discipline_hours"` // 纪律处分, default 15
	DisciplineDays  int `toml:"discipline_days"`  // 擅自离校 more than this many days → 纪律处分, default 3
	ConfirmDueDay   int `toml:"confirm_due_day"`  // grade leads confirm the monthly summary by this day, default 5
	// DayHours is how many class hours one school day counts: a leave or an
	// absence given in days covers or counts that many hours. Default 8.
	DayHours int `toml:"day_hours"`
	// MaxHoursPerForm is the most class hours one item of a form may count
	// (旷课 in days counts days × DayHours); beyond it the form is asked
	// back, never stored (SPEC §5.1). Default 16.
	MaxHoursPerForm int `toml:"max_hours_per_form"`
	// ExplainWithin is how long the class teacher has to answer the cause of
	// an abnormal absence (旷课, 夜不归宿, 擅自离校) with 查明 or 未查明 before
	// it is reported to the office and the leaders as unexplained (篇3).
	// Default 4h; 10m to 72h.
	ExplainWithin Duration `toml:"explain_within"`
	// AbsenceLeaders are the leaders (分管领导, member ids with the leader
	// role) told of an absence whose cause is not found; empty: every leader.
	AbsenceLeaders []string `toml:"absence_leaders"`
	// CadresSeeLevels lets class cadres see classmates' discipline levels
	// (黄牌警示, 通报批评, 纪律处分) in replies and 统计. Default false: the
	// levels are for teachers and above; cadres see forms and counts.
	CadresSeeLevels bool `toml:"cadres_see_levels"`
}

// SubmissionPolicy is [submission]: the information items' deadlines,
// quotas, rewards and penalty (篇1, 篇6, 篇7).
type SubmissionPolicy struct {
	DueDay          int            `toml:"due_day"`          // monthly deadline, default 15
	MediaDueDay     int            `toml:"media_due_day"`    // media summary deadline, default 28
	Quota           map[string]int `toml:"quota"`            // items per officer per month by unit category
	QuarterResearch int            `toml:"quarter_research"` // 调研 items per officer per quarter, default 1
	Reward          map[string]int `toml:"reward"`           // yuan per adopted item by its highest level
	Penalty         int            `toml:"penalty"`          // yuan per item below the monthly quota, default 20
	PointsFrom      string         `toml:"points_from"`      // first month penalties apply ("2026-09"); "" = month of the first item
	// StatisticsWithin: a 统计 item must reach the office this long after its
	// data came out (篇7 四, "数据出来的24小时内"); default 24h.
	StatisticsWithin Duration `toml:"statistics_within"`
	// StatisticsRemind: the holder of a 统计 item not yet at the office is
	// reminded this long after the data came out; default 18h.
	StatisticsRemind Duration `toml:"statistics_remind"`
}

// WeeklyPolicy is [weekly]: the department report due Monday noon (篇8).
type WeeklyPolicy struct {
	Weekday   int       `toml:"weekday"`    // default 1 (Monday)
	RemindAt  ClockTime `toml:"remind_at"`  // default 09:00
	DueAt     ClockTime `toml:"due_at"`     // default 12:00
	OverdueAt ClockTime `toml:"overdue_at"` // default 12:05
}

// OutingPolicy is [outing]: outing notices (外出, 篇10). The class teacher
// is reminded at RemindAt on the working day before an outing to notify the
// guardians; at OverdueAt the office gets the notices not yet confirmed
// with 已通知 O<n>. An outing must be registered before its reminder
// (RemindAt on the working day before it) unless marked 紧急.
type OutingPolicy struct {
	RemindAt  ClockTime `toml:"remind_at"`  // default 15:00
	OverdueAt ClockTime `toml:"overdue_at"` // default 18:00
}

// IncidentPolicy is [incident]: who may report, the escalation timings and
// levels, the loss thresholds (篇4, 篇5, 篇9).
type IncidentPolicy struct {
	Reporters        []string            `toml:"reporters"`           // roles that may report
	AckWithin        Duration            `toml:"ack_within"`          // default 10m
	RepeatEvery      Duration            `toml:"repeat_every"`        // default 10m
	MaxRepeats       int                 `toml:"max_repeats"`         // default 6
	WrittenWithin    Duration            `toml:"written_within"`      // default 2h
	MajorLossYuan    float64             `toml:"major_loss_yuan"`     // 重大 from this loss, default 500
	ReportUpLossYuan float64             `toml:"report_up_loss_yuan"` // 须报上级 from this loss, default 3000
	Categories       map[string][]string `toml:"categories"`          // extra keywords per category
	Levels           []IncidentLevel     `toml:"level"`
}

// IncidentLevel is one [[incident.level]] of escalation: the members paged
// and the groups where they are @mentioned.
type IncidentLevel struct {
	Members []string `toml:"members"`
	Groups  []string `toml:"groups"`
}

// SchedulePolicy is [schedule]: the cron jobs of SPEC §6. Deadlines that
// fall on a non-working day move by the calendar's holiday policy; see
// package scheduler for every job and its rule.
type SchedulePolicy struct {
	Catchup Duration `toml:"catchup"` // missed firings younger than this are sent late, default 2h
	// CatchupMerge: a missed reminder is not caught up when the next
	// reminder of its family about the same deadline is due within this
	// (it says the same, later); default 10m, 0 turns the merging off.
	CatchupMerge Duration `toml:"catchup_merge"`
	// Off lists jobs switched off by name (see `baosong schedule` for the names).
	Off []string `toml:"off"`
	// SummaryAt is when the monthly attendance summary goes out on the 1st; default 08:00.
	SummaryAt ClockTime `toml:"summary_at"`
	// RemindAt is the time of the day-based reminders and lists (summary
	// confirmation, the 15th, the 28th, quarterly research and ranking); default 09:00.
	RemindAt ClockTime `toml:"remind_at"`
	// InfoRemindDays: reminders this many working days before the monthly
	// information deadline ([submission] due_day); default [5, 1].
	InfoRemindDays []int `toml:"info_remind_days"`
	// MediaRemindDays: reminders this many working days before the media
	// summary deadline ([submission] media_due_day); default [3, 1].
	MediaRemindDays []int `toml:"media_remind_days"`
	// ResearchRemindDays: the quarterly research reminder this many calendar
	// days before the quarter ends (earlier when that is not a working day); default 14.
	ResearchRemindDays int `toml:"research_remind_days"`
}
