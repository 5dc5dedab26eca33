package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// fakeState answers every source from maps, as a domain would from its store.
type fakeState struct {
	mu          sync.Mutex
	missing     []string // classes without a form, whatever the due time
	dues        []time.Time
	unconfirmed []string
	below       []Shortfall
	media       []string
	research    []string
	weekly      []string
	fail        error
}

func (f *fakeState) MissingClasses(_ context.Context, due time.Time) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dues = append(f.dues, due)
	return slices.Clone(f.missing), f.fail
}

func (f *fakeState) SummaryText(_ context.Context, month time.Time, grade string) (string, error) {
	return "汇总正文 " + month.Format("2006-01") + " " + grade, f.fail
}

func (f *fakeState) UnconfirmedGrades(context.Context, time.Time) ([]string, error) {
	return f.unconfirmed, f.fail
}

func (f *fakeState) BelowQuota(context.Context, time.Time) ([]Shortfall, error) {
	return f.below, f.fail
}
func (f *fakeState) MediaMissing(context.Context, time.Time) ([]string, error) {
	return f.media, f.fail
}
func (f *fakeState) ResearchMissing(context.Context, time.Time) ([]string, error) {
	return f.research, f.fail
}

// RankingPushes sends the circular in two pieces to the office and the leaders.
func (f *fakeState) RankingPushes(_ context.Context, job, period string, q time.Time) ([]bot.Notification, error) {
	var out []bot.Notification
	for _, to := range []string{"leader-1", "office-1"} {
		for i, piece := range []string{"排名正文 " + q.Format("2006-01"), "（续）"} {
			out = append(out, bot.Notification{Key: fmt.Sprintf("%s|%s|%s|%d", job, period, to, i+1),
				To: bot.Recipient{Member: to}, Text: piece})
		}
	}
	return out, f.fail
}
func (f *fakeState) WeeklyMissing(context.Context, time.Time) ([]string, error) {
	return f.weekly, f.fail
}

func (f *fakeState) sources() Sources {
	return Sources{Attendance: f, Summaries: f, Quotas: f, Media: f, Research: f, Rankings: f, Weekly: f}
}

// memOutbox is an Outbox in memory with the store's rule: a key once.
type memOutbox struct {
	mu    sync.Mutex
	keys  map[string]bool
	queue []bot.Notification
}

func (m *memOutbox) Enqueue(ns ...bot.Notification) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]bool{}
	}
	n := 0
	for _, x := range ns {
		if m.keys[x.Key] {
			continue
		}
		m.keys[x.Key] = true
		m.queue = append(m.queue, x)
		n++
	}
	return n, nil
}

// to lists "recipient: text" of the queued pushes, sorted.
func (m *memOutbox) to() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, n := range m.queue {
		out = append(out, n.To.String())
	}
	sort.Strings(out)
	return out
}

func (m *memOutbox) text(to string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range m.queue {
		if n.To.String() == to {
			return n.Text
		}
	}
	return ""
}

// jobByName builds the default jobs and returns one.
func jobByName(t *testing.T, d Deps, name string) Job {
	t.Helper()
	for _, j := range DefaultJobs(d) {
		if j.Name == name {
			return j
		}
	}
	t.Fatalf("no job %q", name)
	return Job{}
}

func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }

func TestJobNamesAgreeWithConfig(t *testing.T) {
	cfg, dir, _ := demo(t, func(c *config.Config) {
		c.Attendance.Reminders = []org.ClockTime{{Hour: 7, Minute: 45}, {Hour: 16, Minute: 30}}
		c.Schedule.InfoRemindDays = []int{7, 2, 1}
	})
	var names []string
	for _, j := range DefaultJobs(Deps{Policies: cfg.Policies, Dir: dir}) {
		names = append(names, j.Name)
	}
	for _, j := range StatisticsJobs(Deps{Policies: cfg.Policies, Dir: dir}) {
		names = append(names, j.Name)
	}
	names = append(names, JobIncidentClock, JobAbsenceClock)
	known := cfg.ScheduleJobs()
	sort.Strings(names)
	sort.Strings(known)
	if !slices.Equal(names, known) {
		t.Errorf("scheduler jobs\n%q\nconfig names\n%q", names, known)
	}
	// Every name may be switched off, and Enabled drops it.
	cfg.Schedule.Off = known
	if p := cfg.Validate(); len(p) > 0 {
		t.Errorf("switching every job off: %v", p)
	}
	if got := Enabled(DefaultJobs(Deps{Policies: cfg.Policies, Dir: dir}), cfg.Schedule.Off); len(got) != 0 {
		t.Errorf("Enabled left %d jobs", len(got))
	}
	cfg.Schedule.Off = []string{"attendance-remind-1500"}
	if p := cfg.Validate(); len(p) != 1 || !strings.Contains(p[0], "attendance-remind-1500") {
		t.Errorf("a reminder time not configured is not a job: %v", p)
	}
}

func TestAttendanceReminderSkipsClassesThatSubmitted(t *testing.T) {
	cfg, dir, _ := demo(t)
	state := &fakeState{missing: []string{"g1c2", "g2c1", "nonexistent"}}
	out := &memOutbox{}
	at := cst(t, "2026-11-26 16:30:00")
	var sent []int
	d := Deps{Policies: cfg.Policies, Dir: dir, Outbox: out, Sources: state.sources(), Now: fixedClock(at),
		Sent: func(job string, n int) { sent = append(sent, n) }, Log: (&logBuffer{}).logger()}
	job := jobByName(t, d, "attendance-remind-1630")
	if err := job.Task(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	want := []string{"cadre-g1c2", "cadre-g2c1", "teacher-g1c2", "teacher-g2c1"}
	if got := out.to(); !slices.Equal(got, want) {
		t.Errorf("reminded %v, want %v", got, want)
	}
	if len(state.dues) != 1 || !state.dues[0].Equal(cst(t, "2026-11-26 17:00:00")) {
		t.Errorf("asked for the form due %v", state.dues)
	}
	text := out.text("cadre-g1c2")
	mustHave(t, text, "高一(2)班", "11月26日（周四）", "17:00", "16:30", "还剩30分钟", "考勤")
	if strings.Contains(text, "高二(1)班") {
		t.Errorf("g1c2's cadre is told about another class: %s", text)
	}
	if k := out.queue[0].Key; k != "attendance-remind-1630|2026-11-26|"+out.queue[0].To.Member {
		t.Errorf("key %q", k)
	}
	// The 15:00 reminder of the same form differs (DingTalk drops repeats).
	// Run late (the clock says 16:15), the 15:00 reminder counts what is left from now.
	out15 := &memOutbox{}
	d.Outbox, d.Now = out15, fixedClock(cst(t, "2026-11-26 16:15:00"))
	if err := jobByName(t, d, "attendance-remind-1500").Task(context.Background(), cst(t, "2026-11-26 15:00:00")); err != nil {
		t.Fatal(err)
	}
	if out15.text("cadre-g1c2") == text {
		t.Error("the 15:00 and 16:30 reminders have the same text")
	}
	mustHave(t, out15.text("cadre-g1c2"), "考勤提醒·15:00", "还剩45分钟")
	// Run late at 16:30, it is the 16:30 one's to speak (catch-up merges them).
	d.Outbox, d.Now = &memOutbox{}, fixedClock(at)
	if err := jobByName(t, d, "attendance-remind-1500").Task(context.Background(), cst(t, "2026-11-26 15:00:00")); err != nil {
		t.Fatal(err)
	}
	if q := d.Outbox.(*memOutbox).queue; len(q) != 0 {
		t.Errorf("the 15:00 reminder run at 16:30 queued %d", len(q))
	}
	// A second firing (a restart, a catch-up) queues nothing new.
	d.Outbox = out
	if err := jobByName(t, d, "attendance-remind-1630").Task(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	if len(out.queue) != 4 || !slices.Equal(sent, []int{4, 4, 0}) {
		t.Errorf("second firing: %d queued, sent %v", len(out.queue), sent)
	}
	// Nothing due on a Wednesday; nothing missing, nothing sent.
	out2 := &memOutbox{}
	d.Outbox = out2
	state.missing = nil
	for _, at := range []time.Time{cst(t, "2026-11-25 16:30:00"), at} {
		if err := jobByName(t, d, "attendance-remind-1630").Task(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	if len(out2.queue) != 0 {
		t.Errorf("queued %v", out2.to())
	}
}

func TestAttendanceReminderAfterTheDeadlineIsDropped(t *testing.T) {
	cfg, dir, _ := demo(t)
	out := &memOutbox{}
	d := Deps{Policies: cfg.Policies, Dir: dir, Outbox: out,
		Sources: (&fakeState{missing: []string{"g1c2"}}).sources(), Now: fixedClock(cst(t, "2026-11-26 17:00:00"))}
	if err := jobByName(t, d, "attendance-remind-1630").Task(context.Background(), cst(t, "2026-11-26 16:30:00")); err != nil {
		t.Fatal(err)
	}
	if len(out.queue) != 0 {
		t.Errorf("a reminder caught up at the deadline was sent: %v", out.to())
	}
}

func TestOverdueList(t *testing.T) {
	cfg, dir, _ := demo(t, func(c *config.Config) {
		c.Groups = append(c.Groups, org.Group{Name: "高一年级群", Channel: "local", Mention: []string{"lead-g1"}, Grades: []string{"高一"}})
	})
	out := &memOutbox{}
	at := cst(t, "2026-11-26 17:05:00")
	d := Deps{Policies: cfg.Policies, Dir: dir, Outbox: out,
		Sources: (&fakeState{missing: []string{"g1c2", "g2c1", "g2c2"}}).sources(), Now: fixedClock(at)}
	if err := jobByName(t, d, JobAttendanceOverdue).Task(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	want := []string{"group:高一年级群", "lead-g1", "lead-g2", "office-1"}
	if got := out.to(); !slices.Equal(got, want) {
		t.Fatalf("overdue list to %v, want %v", got, want)
	}
	mustHave(t, out.text("lead-g1"), "高一(2)班", "11月26日（周四）", "17:00")
	if strings.Contains(out.text("lead-g1"), "高二") {
		t.Errorf("grade lead sees another grade: %s", out.text("lead-g1"))
	}
	mustHave(t, out.text("office-1"), "高一(2)班", "高二(1)班", "高二(2)班", "共 3 个班")
	for _, n := range out.queue {
		if n.To.Group == "" {
			continue
		}
		if !slices.Equal(n.Mention, []string{"lead-g1", "teacher-g1c2"}) {
			t.Errorf("group mentions %v", n.Mention)
		}
		// Students are never named in a group: not the roster, not the cadres.
		for _, student := range []string{"张三", "周八", "林班长"} {
			if strings.Contains(n.Text, student) {
				t.Errorf("group text names %s: %s", student, n.Text)
			}
		}
	}
}

func TestMonthlyAndSubmissionJobs(t *testing.T) {
	cfg, dir, _ := demo(t)
	state := &fakeState{
		unconfirmed: []string{"高二"},
		below:       []Shortfall{{Member: "officer-2", Counted: 1, Quota: 2}},
		media:       []string{"officer-1"},
		research:    []string{"officer-1", "officer-2"},
		weekly:      []string{"general"},
	}
	for _, tt := range []struct {
		job, at string
		to      []string
		text    []string // in the first recipient's text
	}{
		{JobMonthlySummary, "2026-11-01 08:00:00", []string{"lead-g1", "lead-g2", "office-1"},
			[]string{"2026年10月", "汇总正文 2026-10 高一", "11月5日（周四）", "确认汇总 10月"}},
		{JobConfirmRemind, "2026-11-04 09:00:00", []string{"lead-g2"}, []string{"2026年10月", "高二", "11月5日"}},
		{JobConfirmOverdue, "2026-11-06 09:00:00", []string{"lead-g2", "office-1"}, []string{"高二", "11月5日"}},
		{"info-remind-5d", "2026-11-06 09:00:00", []string{"officer-2"},
			[]string{"2026年11月", "11月13日（周五）", "还剩 5 个工作日", "已计 1 篇", "还差 1 篇", "11月15日为周日"}},
		{"info-remind-1d", "2026-11-12 09:00:00", []string{"officer-2"}, []string{"还剩 1 个工作日"}},
		{JobInfoShortfall, "2026-11-16 09:00:00", []string{"office-1"}, []string{"孙敏（办公室） 1/2 篇", "11月13日"}},
		{"media-remind-3d", "2026-11-24 09:00:00", []string{"officer-1"}, []string{"11月27日（周五）", "2026年11月"}},
		{JobMediaOverdue, "2026-11-30 09:00:00", []string{"office-1"}, []string{"马丽（政教处）"}},
		{JobResearch, "2026-12-17 09:00:00", []string{"officer-1", "officer-2"}, []string{"2026年第四季度", "12月31日"}},
		{JobRanking, "2027-01-04 09:00:00", []string{"leader-1", "leader-1", "office-1", "office-1"},
			[]string{"排名正文 2026-10"}},
		{JobWeeklyRemind, "2026-11-23 09:00:00", []string{"officer-2"}, []string{"办公室", "11月16日—11月22日这一周", "12:00"}},
		{JobWeeklyOverdue, "2026-11-23 12:05:00", []string{"office-1", "officer-2"}, []string{"办公室"}},
	} {
		t.Run(tt.job, func(t *testing.T) {
			out := &memOutbox{}
			at := cst(t, tt.at)
			d := Deps{Policies: cfg.Policies, Dir: dir, Outbox: out, Sources: state.sources(), Now: fixedClock(at)}
			job := jobByName(t, d, tt.job)
			if desc := job.Describe(at); desc.Skip {
				t.Fatalf("Describe says the firing at %s does nothing", tt.at)
			}
			if err := job.Task(context.Background(), at); err != nil {
				t.Fatal(err)
			}
			if got := out.to(); !slices.Equal(got, tt.to) {
				t.Fatalf("to %v, want %v", got, tt.to)
			}
			mustHave(t, out.text(tt.to[0]), tt.text...)
			for _, n := range out.queue {
				if !strings.HasPrefix(n.Key, tt.job+"|") || !strings.Contains(n.Key, "|"+n.To.String()) {
					t.Errorf("key %q", n.Key)
				}
			}
			// The day before has nothing to do.
			if desc := job.Describe(at.AddDate(0, 0, -1)); !desc.Skip {
				t.Errorf("Describe the day before: %+v", desc)
			}
		})
	}
}

func TestSourceMissingOrFailing(t *testing.T) {
	cfg, dir, _ := demo(t)
	at := cst(t, "2026-11-26 16:30:00")
	d := Deps{Policies: cfg.Policies, Dir: dir, Outbox: &memOutbox{}, Now: fixedClock(at)}
	if err := jobByName(t, d, "attendance-remind-1630").Task(context.Background(), at); !errors.Is(err, ErrNoSource) {
		t.Errorf("no source: %v", err)
	}
	// Planning needs no source.
	if desc := jobByName(t, d, "attendance-remind-1630").Describe(at); desc.Skip || desc.Recipients != 8 || desc.Period != "2026-11-26" {
		t.Errorf("describe: %+v", desc)
	}
	boom := errors.New("boom")
	d.Sources = (&fakeState{fail: boom}).sources()
	if err := jobByName(t, d, "attendance-remind-1630").Task(context.Background(), at); !errors.Is(err, boom) ||
		!strings.Contains(err.Error(), "attendance-remind-1630") {
		t.Errorf("failing source: %v", err)
	}
}

// openStore is a real store in a temp dir with a fixed clock.
func openStore(t *testing.T, dir string, now func() time.Time) *store.DB {
	t.Helper()
	db, err := store.Open(dir, store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// crashingOutbox queues pushes one at a time and "crashes" after limit.
type crashingOutbox struct {
	db    *store.DB
	limit int
}

var errCrash = errors.New("process killed")

func (c *crashingOutbox) Enqueue(ns ...bot.Notification) (int, error) {
	n := 0
	for _, x := range ns {
		if n == c.limit {
			return n, errCrash
		}
		q, err := c.db.Enqueue(x)
		if err != nil {
			return n, err
		}
		n += q
	}
	return n, nil
}

// runEngine starts an engine with the default jobs at now and stops it:
// Stop returns once the firings caught up at the start have run.
func runEngine(t *testing.T, d Deps, now, since time.Time) *logBuffer {
	t.Helper()
	logs := &logBuffer{}
	e, err := New(Options{Location: shanghai, Now: fixedClock(now), Logger: logs.logger(), Tick: time.Second, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	d.Now, d.Log = fixedClock(now), logs.logger()
	for _, j := range DefaultJobs(d) {
		if err := e.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopEngine(t, e)
	return logs
}

// queuedKeys lists the keys in the store's outbox.
func queuedKeys(t *testing.T, db *store.DB) []string {
	t.Helper()
	items, err := db.Due(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range items {
		keys = append(keys, it.Notification.Key)
	}
	sort.Strings(keys)
	return keys
}

// A process killed in the middle of the 16:30 firing, after two of its four
// pushes were queued, and restarted at 16:40: the firing is caught up and
// queues the two others, and nothing twice. A third start queues nothing.
func TestRestartInTheMiddleOfAFiring(t *testing.T) {
	cfg, dir, _ := demo(t, func(c *config.Config) { c.Attendance.Reminders = []org.ClockTime{{Hour: 16, Minute: 30}} })
	data := t.TempDir()
	state := &fakeState{missing: []string{"g1c2", "g2c1"}}
	fired := cst(t, "2026-11-26 16:30:00")

	db := openStore(t, data, fixedClock(fired))
	d := Deps{Policies: cfg.Policies, Dir: dir, Outbox: &crashingOutbox{db: db, limit: 2}, Sources: state.sources()}
	logs := runEngine(t, d, fired, time.Time{})
	if !strings.Contains(logs.String(), "process killed") {
		t.Errorf("the crash was not logged:\n%s", logs)
	}
	if got := queuedKeys(t, db); len(got) != 2 {
		t.Fatalf("before the crash: %v", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for _, restart := range []string{"2026-11-26 16:40:00", "2026-11-26 16:50:00"} {
		db = openStore(t, data, fixedClock(cst(t, restart)))
		counts := map[string]int{}
		d = Deps{Policies: cfg.Policies, Dir: dir, Outbox: db, Sources: state.sources(),
			Sent: func(job string, n int) { counts[job] += n }}
		runEngine(t, d, cst(t, restart), time.Time{})
		want := []string{
			"attendance-remind-1630|2026-11-26|cadre-g1c2",
			"attendance-remind-1630|2026-11-26|cadre-g2c1",
			"attendance-remind-1630|2026-11-26|teacher-g1c2",
			"attendance-remind-1630|2026-11-26|teacher-g2c1",
		}
		if got := queuedKeys(t, db); !slices.Equal(got, want) {
			t.Errorf("after the restart at %s: %q", restart, got)
		}
		if restart == "2026-11-26 16:40:00" && counts["attendance-remind-1630"] != 2 {
			t.Errorf("the restart queued %d, want the 2 missing", counts["attendance-remind-1630"])
		}
		if restart == "2026-11-26 16:50:00" && counts["attendance-remind-1630"] != 0 {
			t.Errorf("a second restart queued %d", counts["attendance-remind-1630"])
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// After downtime: a firing less than catchup ago is run once, late; an
// older one is logged and skipped.
func TestCatchupWindow(t *testing.T) {
	cfg, dir, _ := demo(t)
	state := &fakeState{below: []Shortfall{{Member: "officer-2", Counted: 0, Quota: 2}}, missing: []string{"g1c2"}}
	for _, tt := range []struct {
		start string
		want  []string
	}{
		// info-remind-5d fired at 09:00 on 2026-11-06.
		{"2026-11-06 10:59:00", []string{"info-remind-5d|2026-11|officer-2"}},
		{"2026-11-06 11:01:00", nil},
		// The 16:30 reminder, 15 minutes late; not the 15:00 one, about the
		// same deadline (only the latest of a family is caught up).
		{"2026-11-26 16:45:00", []string{
			"attendance-remind-1630|2026-11-26|cadre-g1c2", "attendance-remind-1630|2026-11-26|teacher-g1c2"}},
		// 16:25: the 16:30 reminder is due within catchup_merge; 16:15: it is not.
		{"2026-11-26 16:25:00", nil},
		{"2026-11-26 16:15:00", []string{
			"attendance-remind-1500|2026-11-26|cadre-g1c2", "attendance-remind-1500|2026-11-26|teacher-g1c2"}},
		// After the deadline the reminders are dropped and the overdue list (17:05) goes out late.
		{"2026-11-26 17:20:00", []string{"attendance-overdue|2026-11-26|lead-g1", "attendance-overdue|2026-11-26|office-1"}},
		// More than two hours after 17:05: nothing.
		{"2026-11-26 19:06:00", nil},
	} {
		t.Run(tt.start, func(t *testing.T) {
			now := cst(t, tt.start)
			db := openStore(t, t.TempDir(), fixedClock(now))
			defer db.Close()
			// The previous process was last seen a day before.
			logs := runEngine(t, Deps{Policies: cfg.Policies, Dir: dir, Outbox: db, Sources: state.sources()},
				now, now.AddDate(0, 0, -1))
			if got := queuedKeys(t, db); !slices.Equal(got, tt.want) {
				t.Errorf("queued %q, want %q", got, tt.want)
			}
			if tt.want == nil && !strings.Contains(logs.String(), "older than the catch-up window") &&
				!strings.Contains(logs.String(), "merged into a later one") {
				t.Errorf("the skipped firing was not logged:\n%s", logs)
			}
		})
	}
}

func mustHave(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("text lacks %q:\n%s", p, s)
		}
	}
}

// The watermark stays before a firing that is still running, and moves to
// the clock once it has finished.
func TestWatermark(t *testing.T) {
	now := cst(t, "2026-11-26 16:40:00")
	e, err := New(Options{Location: shanghai, Now: fixedClock(now), Logger: (&logBuffer{}).logger(), Tick: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	task := func(context.Context, time.Time) error {
		close(started)
		<-release
		return nil
	}
	if err := e.Add(Job{Name: "remind", Spec: "30 16 * * *", Task: task}); err != nil {
		t.Fatal(err)
	}
	if !e.Watermark().IsZero() || e.Running() {
		t.Errorf("before start: watermark %v, running %v", e.Watermark(), e.Running())
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-started
	if got, want := e.Watermark(), cst(t, "2026-11-26 16:30:00").Add(-time.Nanosecond); !got.Equal(want) {
		t.Errorf("while the 16:30 firing runs: watermark %v, want %v", got, want)
	}
	if !e.Running() {
		t.Error("not running")
	}
	close(release)
	stopEngine(t, e)
	if got := e.Watermark(); !got.Equal(now) {
		t.Errorf("after it: watermark %v, want %v", got, now)
	}
	if e.Running() {
		t.Error("running after Stop")
	}
}

// Stop before Start does nothing; an engine stopped and started again (a
// node that lost the election and won it back, or took over from another
// node that saved its watermark) runs on from where the runs before got to:
// a firing already run is not run again, one missed meanwhile is caught up.
func TestRestart(t *testing.T) {
	var mu sync.Mutex
	now := cst(t, "2026-11-26 16:40:00")
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(s string) { mu.Lock(); defer mu.Unlock(); now = cst(t, s) }
	e, err := New(Options{Location: shanghai, Now: clock, Logger: (&logBuffer{}).logger(), Tick: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	stopEngine(t, e)
	rec := &recorder{clock: clock}
	if err := e.Add(Job{Name: "remind", Spec: "30 16 * * *", Task: rec.task}); err != nil {
		t.Fatal(err)
	}
	run := func(since time.Time) {
		t.Helper()
		if err := e.StartFrom(context.Background(), since); err != nil {
			t.Fatal(err)
		}
		for w := clock(); e.Watermark().Before(w); {
			time.Sleep(time.Millisecond)
		}
		stopEngine(t, e)
		if e.Running() {
			t.Error("running after Stop")
		}
	}
	run(time.Time{}) // 16:30 caught up
	set("2026-11-26 17:00:00")
	run(time.Time{}) // from its own watermark: nothing
	set("2026-11-27 16:45:00")
	run(cst(t, "2026-11-27 16:00:00")) // another node ran until 16:00: 16:30 is due
	set("2026-11-27 16:50:00")
	run(cst(t, "2026-11-27 16:00:00")) // an older watermark saved elsewhere: its own is later
	if got, want := rec.got(), []string{"2026-11-26 16:30:00 CST", "2026-11-27 16:30:00 CST"}; !sameList(got, want) {
		t.Errorf("firings %q, want %q", got, want)
	}
}
