package incident_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/outbox"
	"github.com/baosong/baosong/store"
)

var (
	cst = time.FixedZone("CST", 8*3600)
	t0  = time.Date(2026, 11, 26, 12, 45, 0, 0, cst)
)

// rig is a Service over a real store in a temp dir, on a fake clock that
// only moves when the test says so.
type rig struct {
	t    *testing.T
	data string
	dir  *org.Directory
	p    incident.Policy
	mu   sync.Mutex
	now  time.Time
	db   *store.DB
	svc  *incident.Service
}

func testPolicy(t *testing.T) (*org.Directory, incident.Policy) {
	t.Helper()
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := org.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := incident.PolicyFrom(cfg.Incident)
	p.MaxRepeats = 3
	p.CheckAfter = 0 // these tests count the escalation's pushes; the app tests check delivery
	return dir, p
}

func newRig(t *testing.T) *rig {
	t.Helper()
	dir, p := testPolicy(t)
	r := &rig{t: t, data: t.TempDir(), dir: dir, p: p, now: t0}
	r.open()
	t.Cleanup(func() { r.db.Close() })
	return r
}

func (r *rig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *rig) open() {
	r.t.Helper()
	db, err := store.Open(r.data, store.Options{Now: r.clock})
	if err != nil {
		r.t.Fatal(err)
	}
	r.db = db
	r.svc = incident.NewService(db, r.p, r.dir, r.clock)
}

// restart closes the store and opens it again with a new Service: nothing
// survives but what is on disk.
func (r *rig) restart() {
	r.t.Helper()
	if err := r.db.Close(); err != nil {
		r.t.Fatal(err)
	}
	r.open()
}

// at moves the clock to minute m after t0.
func (r *rig) at(m int) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = t0.Add(time.Duration(m) * time.Minute)
	return r.now
}

func (r *rig) tick(m int) {
	r.t.Helper()
	if err := r.svc.Tick(context.Background(), r.at(m)); err != nil {
		r.t.Fatal(err)
	}
}

// drain takes every queued push out of the outbox, as a notifier would.
func (r *rig) drain() []bot.Notification {
	r.t.Helper()
	items, err := r.db.Due(t0.Add(1000*time.Hour), 10000)
	if err != nil {
		r.t.Fatal(err)
	}
	out := make([]bot.Notification, len(items))
	for i, it := range items {
		out[i] = it.Notification
		if err := r.db.Delivered(it.Seq); err != nil {
			r.t.Fatal(err)
		}
	}
	return out
}

func (r *rig) report(facts incident.Facts) *incident.Reported {
	r.t.Helper()
	rep, err := r.svc.Report(as("teacher-g1c1"), "teacher-g1c1", "高一(1)班3名学生午餐后腹痛，已送县医院，其中1人住院观察", facts)
	if err != nil {
		r.t.Fatal(err)
	}
	return rep
}

func as(member string) context.Context {
	return bot.WithActor(context.Background(), bot.Actor{Member: member, Channel: bot.Local})
}

var food = incident.Facts{Kind: incident.KindAccident, Category: incident.CatFood, Ill: 3, Hospitalised: 1,
	Measures: "已送县医院"}

func keys(ns []bot.Notification) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Key
	}
	slices.Sort(out)
	return out
}

func TestReportRecordsAndAlertsInOneTransaction(t *testing.T) {
	r := newRig(t)
	rep := r.report(food)
	if rep.ID != "E1" || rep.Severity != incident.Major || rep.Unit != "g1c1" || rep.UnitName != "高一(1)班" ||
		rep.ReporterName != "刘老师" {
		t.Fatalf("reported %+v", rep.Incident)
	}
	if !rep.WrittenDue.Equal(t0.Add(2*time.Hour)) || rep.Upward {
		t.Errorf("written due %v, upward %v", rep.WrittenDue, rep.Upward)
	}
	if want := []bot.Recipient{{Member: "leader-1"}}; !slices.Equal(rep.Alerted, want) {
		t.Errorf("alerted %v, want %v", rep.Alerted, want)
	}
	if !slices.Contains(rep.Missing, "地点") || !slices.Contains(rep.Missing, "起因") {
		t.Errorf("missing %v", rep.Missing)
	}
	pushes := r.drain()
	if got := keys(pushes); !slices.Equal(got, []string{"E1|esc|0|leader-1"}) {
		t.Fatalf("pushes %v", got)
	}
	mustHave(t, pushes[0].Text, "急报 E1", "重大", "收到 E1", "刘老师")
	stored, err := r.svc.Get("E1")
	if err != nil || stored.Sent["E1|esc|0|leader-1"].IsZero() {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	h, err := r.db.HistoryOf("E1")
	if err != nil || len(h) != 1 || h[0].Action != "report" || h[0].By != "teacher-g1c1" {
		t.Errorf("history %+v %v", h, err)
	}
	active, _ := r.db.ActiveIncidents()
	if len(active) != 1 {
		t.Errorf("active index %d", len(active))
	}
	if _, err := r.svc.Report(as("nobody"), "nobody", "x", food); !errors.Is(err, incident.ErrForbidden) {
		t.Errorf("unknown reporter: %v", err)
	}
}

func TestUpwardReportGoesToTheOfficeOnce(t *testing.T) {
	r := newRig(t)
	rep := r.report(incident.Facts{Kind: incident.KindAccident, Category: incident.CatTraffic, Dead: 1, Place: "校门口"})
	if rep.Severity != incident.ReportUp || !rep.Upward || rep.UpwardAt == nil {
		t.Fatalf("severity %s upward %v", rep.Severity, rep.Upward)
	}
	pushes := r.drain()
	if got := keys(pushes); !slices.Equal(got, []string{"E1|esc|0|leader-1", "E1|upward|office-1"}) {
		t.Fatalf("pushes %v", got)
	}
	for _, n := range pushes {
		if n.To.Member == "office-1" {
			mustHave(t, n.Text, "须报上级", "名称", "地点：校门口", "伤亡：死亡1人", "关于示例中学交通事故的报告", "报告人及单位：刘老师，示例中学高一(1)班")
		}
	}

	// A 一般 incident that a follow-up makes 须报上级 sends it then, once.
	r.at(1)
	if _, err := r.svc.Report(as("teacher-g1c1"), "teacher-g1c1", "学生摔伤", incident.Facts{Category: incident.CatCampusHarm, Injured: 1}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	more := stated(func(f *incident.Facts) { f.Injured, f.Hospitalised = 1, 1 })
	inc, err := r.svc.FollowUp(as("teacher-g1c1"), "teacher-g1c1", "E2", "最新进展：1人住院", more)
	if err != nil || inc.Severity != incident.ReportUp {
		t.Fatalf("follow-up %v %v", inc, err)
	}
	if _, err := r.svc.FollowUp(as("teacher-g1c1"), "teacher-g1c1", "E2", "截至15时，情况稳定", more); err != nil {
		t.Fatal(err)
	}
	var upward int
	for _, n := range r.drain() {
		if strings.Contains(n.Key, "|upward|") {
			upward++
		}
		if strings.HasPrefix(n.Key, "E2|followup|") && n.To.Member == "leader-1" && strings.Contains(n.Text, "1人住院") {
			mustHave(t, n.Text, "变化：住院 0 → 1；定级 一般 → 须报上级")
		}
	}
	if upward != 1 {
		t.Errorf("upward reports for E2: %d, want 1", upward)
	}
}

func TestConcurrentAcksExactlyOneWinner(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.tick(10) // level 1 alerted too: both leaders may race
	r.drain()
	r.at(11)
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		who := []string{"leader-1", "leader-2"}[i%2]
		wg.Go(func() { _, errs[i] = r.svc.Ack(as(who), who, "E1") })
	}
	wg.Wait()
	winners := 0
	for _, err := range errs {
		switch {
		case err == nil:
			winners++
		case !errors.Is(err, incident.ErrAlreadyAcked):
			t.Errorf("ack: %v", err)
		}
	}
	if winners != 1 {
		t.Fatalf("%d acknowledgements won, want exactly 1", winners)
	}
	inc, _ := r.svc.Get("E1")
	acks := 0
	for _, e := range inc.Timeline {
		if e.Type == incident.EntryAck {
			acks++
		}
	}
	if acks != 1 || inc.AckedAt == nil || !inc.AckedAt.Equal(t0.Add(11*time.Minute)) {
		t.Errorf("timeline acks %d, acked at %v", acks, inc.AckedAt)
	}
	// The reporter and the other leader are told, once each.
	other := map[string]string{"leader-1": "leader-2", "leader-2": "leader-1"}[inc.AckedBy]
	got := keys(r.drain())
	want := []string{"E1|acked|" + other, "E1|acked|teacher-g1c1"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("announcements %v, want %v", got, want)
	}
	// A later acknowledgement names the winner.
	late, err := r.svc.Ack(as(other), other, "E1")
	if !errors.Is(err, incident.ErrAlreadyAcked) || late == nil || late.AckedBy != inc.AckedBy {
		t.Errorf("late ack: %v %+v", err, late)
	}
	if _, err := r.svc.Ack(as("teacher-g1c1"), "teacher-g1c1", "E1"); !errors.Is(err, incident.ErrForbidden) {
		t.Errorf("teacher ack: %v", err)
	}
	if _, err := r.svc.Ack(as("leader-1"), "leader-1", "E9"); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := r.svc.Ack(as("leader-1"), "leader-1", "A1"); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("id of another kind: %v", err)
	}
}

// pushLog runs the clock minute by minute (events first) and notes each push
// as "minute key".
func (r *rig) pushLog(from, to int, events map[int]func()) []string {
	r.t.Helper()
	var out []string
	for m := from; m <= to; m++ {
		r.at(m)
		if ev := events[m]; ev != nil {
			ev()
		}
		r.tick(m)
		for _, k := range keys(r.drain()) {
			out = append(out, strconv.Itoa(m)+" "+k)
		}
	}
	return out
}

func TestEscalationStepsAndRepeats(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.drain()
	got := r.pushLog(1, 89, nil)
	want := []string{
		"10 E1|esc|1|leader-1", "10 E1|esc|1|leader-2",
		"20 E1|esc|2|leader-1", "20 E1|esc|2|leader-2",
		"30 E1|esc|3|leader-1", "30 E1|esc|3|leader-2",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pushes\n%v\nwant\n%v", got, want)
	}
	inc, _ := r.svc.Get("E1")
	if inc.LevelReached != 1 {
		t.Errorf("level reached %d", inc.LevelReached)
	}
	h, _ := r.db.HistoryOf("E1")
	if len(h) != 4 || h[1].Action != "clock" || h[1].By != "system" {
		t.Errorf("history %+v", h)
	}
}

func TestNoPushAfterAck(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.drain()
	got := r.pushLog(1, 89, map[int]func(){
		15: func() {
			if _, err := r.svc.Ack(as("leader-2"), "leader-2", "E1"); err != nil {
				t.Fatal(err)
			}
		},
	})
	want := []string{
		"10 E1|esc|1|leader-1", "10 E1|esc|1|leader-2",
		"15 E1|acked|leader-1", "15 E1|acked|teacher-g1c1",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pushes\n%v\nwant\n%v", got, want)
	}
}

// staleStore answers ActiveIncidents with a snapshot taken earlier: the
// acknowledgement lands between the clock's read and its transaction.
type staleStore struct {
	incident.Store
	snapshot []*incident.Incident
}

func (s staleStore) ActiveIncidents() ([]*incident.Incident, error) { return s.snapshot, nil }

func TestClockRechecksInsideTheTransaction(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.drain()
	snapshot, _ := r.db.ActiveIncidents()
	r.at(12)
	if _, err := r.svc.Ack(as("leader-1"), "leader-1", "E1"); err != nil {
		t.Fatal(err)
	}
	r.drain()
	svc := incident.NewService(staleStore{r.db, snapshot}, r.p, r.dir, r.clock)
	if err := svc.Tick(context.Background(), r.at(12)); err != nil {
		t.Fatal(err)
	}
	if got := r.drain(); len(got) != 0 {
		t.Fatalf("paged for an acknowledged incident: %v", keys(got))
	}
}

func TestWrittenRemindersAndOverdue(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.drain()
	got := r.pushLog(31, 130, map[int]func(){
		31: func() {
			if _, err := r.svc.Ack(as("leader-1"), "leader-1", "E1"); err != nil {
				t.Fatal(err)
			}
		},
	})
	want := []string{
		"31 E1|acked|teacher-g1c1",
		"90 E1|remind|1|teacher-g1c1",
		"115 E1|remind|2|teacher-g1c1",
		"120 E1|overdue|0|leader-1",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pushes\n%v\nwant\n%v", got, want)
	}
	inc, _ := r.svc.Get("E1")
	if inc.WrittenState != incident.WrittenMissing || inc.Reminders != 2 {
		t.Errorf("state %s reminders %d", inc.WrittenState, inc.Reminders)
	}
	if active, _ := r.db.ActiveIncidents(); len(active) != 0 {
		t.Errorf("nothing more is due, yet %d incidents stay in the clock's index", len(active))
	}
	r.at(140)
	inc, state, err := r.svc.Written(as("teacher-g1c1"), "teacher-g1c1", "E1", "书面报告：……", nil)
	if err != nil || state != incident.WrittenLate || inc.WrittenState != incident.WrittenLate {
		t.Fatalf("late written report: %s %v", state, err)
	}
	pushes := r.drain()
	if got := keys(pushes); !slices.Equal(got, []string{"E1|written|3|leader-1"}) {
		t.Errorf("written pushes %v", got)
	}
	mustHave(t, pushes[0].Text, "逾期")
}

func TestWrittenOnTimeStopsReminders(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.drain()
	r.at(40)
	place := stated(func(f *incident.Facts) { f.Place, f.Cause = "学校食堂", "疑似饭菜变质" })
	inc, state, err := r.svc.Written(as("teacher-g1c1"), "teacher-g1c1", "E1", "书面报告：地点学校食堂……", place)
	if err != nil || state != incident.WrittenOnTime {
		t.Fatalf("written: %s %v", state, err)
	}
	if inc.Place != "学校食堂" || inc.Ill != 3 || inc.Hospitalised != 1 {
		t.Errorf("facts not merged: %+v", inc.Facts)
	}
	if _, _, err := r.svc.Written(as("teacher-g1c2"), "teacher-g1c2", "E1", "别班的书面", nil); !errors.Is(err, incident.ErrForbidden) {
		t.Errorf("written by another class's teacher: %v", err)
	}
	got := r.pushLog(41, 130, nil)
	for _, k := range got {
		if strings.Contains(k, "remind") || strings.Contains(k, "overdue") {
			t.Errorf("written report in on time, yet %s", k)
		}
	}
}

func TestRestartResumesAndSendsNothingTwice(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.tick(10)
	first := keys(r.drain())
	// The process dies after round 1; the clock ticks again for minute 10
	// in the new process (the scheduler may repeat a firing), then goes on.
	r.restart()
	r.tick(10)
	r.tick(10)
	if again := r.drain(); len(again) != 0 {
		t.Fatalf("sent twice after restart: %v", keys(again))
	}
	r.tick(20)
	r.tick(20)
	round2 := keys(r.drain())
	if len(first) != 3 || !slices.Equal(round2, []string{"E1|esc|2|leader-1", "E1|esc|2|leader-2"}) {
		t.Fatalf("before restart %v, round 2 %v", first, round2)
	}
	// Down from minute 21 to 45: only the latest round is sent, once.
	r.restart()
	r.tick(45)
	if got := keys(r.drain()); !slices.Equal(got, []string{"E1|esc|3|leader-1", "E1|esc|3|leader-2"}) {
		t.Errorf("after downtime %v", got)
	}
}

// flaky fails every push a number of times before delivering it.
type flaky struct {
	mu        sync.Mutex
	failures  map[string]int
	delivered map[string]int
}

func (f *flaky) Notify(_ context.Context, n bot.Notification) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures[n.Key] < 2 {
		f.failures[n.Key]++
		return errors.New("HTTP 502")
	}
	f.delivered[n.Key]++
	return nil
}

func (f *flaky) count() (keys, total int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.delivered {
		total += c
	}
	return len(f.delivered), total
}

func TestFailingNotifierIsRetriedAndNothingIsLost(t *testing.T) {
	r := newRig(t)
	n := &flaky{failures: map[string]int{}, delivered: map[string]int{}}
	loop := &outbox.Loop{Queue: r.db, Notifier: n, Now: r.clock, Poll: 2 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { loop.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	r.report(food)                                                         // E1|esc|0|leader-1
	r.tick(10)                                                             // round 1: leader-1, leader-2
	if _, err := r.svc.Ack(as("leader-2"), "leader-2", "E1"); err != nil { // leader-1, teacher-g1c1 told
		t.Fatal(err)
	}
	const want = 5
	deadline := time.Now().Add(5 * time.Second)
	for m := 11; ; m++ {
		// Each minute of the fake clock is past every backoff so far.
		r.at(m)
		if k, _ := n.count(); k == want {
			if d, _ := r.db.Depth(); d == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			k, total := n.count()
			t.Fatalf("delivered %d of %d pushes (%d deliveries)", k, want, total)
		}
		time.Sleep(time.Millisecond)
	}
	if k, total := n.count(); k != want || total != want {
		t.Errorf("delivered %d distinct pushes in %d deliveries, want %d each", k, total, want)
	}
}

func TestFollowUpsCloseAndWhoMay(t *testing.T) {
	r := newRig(t)
	r.report(food)
	r.drain()
	r.at(3)
	if _, err := r.svc.FollowUp(as("teacher-g1c1"), "teacher-g1c1", "E1", "最新进展：已排除食物中毒", nil); err != nil {
		t.Fatal(err)
	}
	if got := keys(r.drain()); !slices.Equal(got, []string{"E1|followup|2|leader-1"}) {
		t.Errorf("follow-up before any ack goes to those alerted: %v", got)
	}
	r.at(4)
	if _, err := r.svc.Ack(as("leader-2"), "leader-2", "E1"); err != nil {
		t.Fatal(err)
	}
	r.drain()
	r.at(5)
	if _, err := r.svc.FollowUp(as("teacher-g1c1"), "teacher-g1c1", "E1", "1人已出院", nil); err != nil {
		t.Fatal(err)
	}
	if got := keys(r.drain()); !slices.Equal(got, []string{"E1|followup|4|leader-2"}) {
		t.Errorf("follow-up after the ack goes to who acknowledged: %v", got)
	}
	for who, want := range map[string]error{
		"teacher-g1c2": incident.ErrForbidden, // another class
		"cadre-g1c1":   incident.ErrForbidden, // a student of the class: not its staff
		"office-1":     nil,
		"leader-1":     nil,
	} {
		if _, err := r.svc.FollowUp(as(who), who, "E1", "补充", nil); !errors.Is(err, want) {
			t.Errorf("follow-up by %s: %v, want %v", who, err, want)
		}
	}
	if _, err := r.svc.FollowUp(as("teacher-g1c1"), "teacher-g1c1", "E1", "  ", nil); !errors.Is(err, incident.ErrEmpty) {
		t.Errorf("empty follow-up: %v", err)
	}
	r.drain()
	for _, who := range []string{"teacher-g1c1", "head-general", "cadre-g1c1"} {
		if _, err := r.svc.Close(as(who), who, "E1", ""); !errors.Is(err, incident.ErrForbidden) {
			t.Errorf("close by %s: %v", who, err)
		}
	}
	inc, err := r.svc.Close(as("leader-1"), "leader-1", "E1", "学生均已康复")
	if err != nil || !inc.Closed || inc.ClosedBy != "leader-1" {
		t.Fatalf("close: %+v %v", inc, err)
	}
	if got := keys(r.drain()); !slices.Equal(got, []string{"E1|closed|leader-2", "E1|closed|teacher-g1c1"}) {
		t.Errorf("close pushes %v", got)
	}
	if _, err := r.svc.FollowUp(as("teacher-g1c1"), "teacher-g1c1", "E1", "还有", nil); !errors.Is(err, incident.ErrClosed) {
		t.Errorf("follow-up after close: %v", err)
	}
	if active, _ := r.db.ActiveIncidents(); len(active) != 0 {
		t.Errorf("closed incident still in the clock's index")
	}
	open, _ := r.svc.Open(10)
	mine, _ := r.svc.ReportedBy("teacher-g1c1", 10)
	if len(open) != 0 || len(mine) != 1 {
		t.Errorf("open %d, reported by the teacher %d", len(open), len(mine))
	}
}

func TestLeaderReportingIsNotPagedAboutIt(t *testing.T) {
	r := newRig(t)
	if _, err := r.svc.Report(as("leader-1"), "leader-1", "校门口发生交通事故", incident.Facts{Category: incident.CatTraffic}); err != nil {
		t.Fatal(err)
	}
	r.tick(10)
	if got := keys(r.drain()); !slices.Equal(got, []string{"E1|esc|1|leader-2"}) {
		t.Errorf("pushes %v", got)
	}
}

func TestUnitHeadClosesTheirUnitsIncident(t *testing.T) {
	r := newRig(t)
	if _, err := r.svc.Report(as("officer-2"), "officer-2", "办公室电脑被盗，损失约6000元",
		incident.Facts{Category: incident.CatPropertyLoss, LossYuan: 6000, LossKnown: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Close(as("head-general"), "head-general", "E1", "已报警处理"); err != nil {
		t.Errorf("unit head closing their unit's incident: %v", err)
	}
}

// stated is a Reader for a text that changes the known facts as change says.
func stated(change func(*incident.Facts)) incident.Reader {
	return func(known incident.Facts) incident.Facts {
		change(&known)
		return known
	}
}

func TestMerge(t *testing.T) {
	old := incident.Facts{Kind: incident.KindAccident, Category: incident.CatFood, Ill: 3, Hospitalised: 1,
		Place: "食堂", LossKnown: true, LossYuan: 200, Measures: "已送县医院"}
	for _, c := range []struct {
		name    string
		add     func(*incident.Facts)
		want    func(incident.Facts) bool
		changes []string
	}{
		{"counts as read", func(f *incident.Facts) { f.Ill, f.Hospitalised = 5, 0 },
			func(f incident.Facts) bool { return f.Ill == 5 && f.Hospitalised == 0 }, []string{"身体不适 3 → 5", "住院 1 → 0"}},
		{"nothing new", func(*incident.Facts) {}, func(f incident.Facts) bool { return f.Ill == 3 }, nil},
		{"category kept", func(f *incident.Facts) { f.Category = incident.CatCampusHarm },
			func(f incident.Facts) bool { return f.Category == incident.CatFood }, nil},
		{"place kept", func(f *incident.Facts) { f.Place = "家中" }, func(f incident.Facts) bool { return f.Place == "食堂" }, nil},
		{"loss grows", func(f *incident.Facts) { f.LossYuan, f.LossApprox = 800, true },
			func(f incident.Facts) bool { return f.LossYuan == 800 }, []string{"损失 200元 → 约800元"}},
		{"loss not lowered", func(f *incident.Facts) { f.LossYuan = 0 }, func(f incident.Facts) bool { return f.LossYuan == 200 }, nil},
		{"cause stated anew", func(f *incident.Facts) { f.Cause = "饭菜变质" },
			func(f incident.Facts) bool { return f.Cause == "饭菜变质" }, []string{"起因 待核实 → 饭菜变质"}},
		{"measures accumulate", func(f *incident.Facts) { f.Measures = "疾控已取样" },
			func(f incident.Facts) bool { return f.Measures == "已送县医院，疾控已取样" }, nil},
		{"admission confirmed", func(f *incident.Facts) {}, func(f incident.Facts) bool { return !f.HospitalAssumed }, nil},
		{"grave word", func(f *incident.Facts) { f.Grave = []string{"骨折"} },
			func(f incident.Facts) bool { return len(f.Grave) == 1 }, []string{"伤情 +骨折"}},
	} {
		got, changes := incident.Merge(old, stated(c.add)(old))
		if !c.want(got) || !slices.Equal(changes, c.changes) {
			t.Errorf("%s: %+v %q, want changes %q", c.name, got, changes, c.changes)
		}
	}
	other := incident.Facts{Category: incident.CatOther}
	got, changes := incident.Merge(other, incident.Facts{Category: incident.CatFire, Time: t0})
	if got.Category != incident.CatFire || !got.Time.Equal(t0) || !slices.Equal(changes, []string{"类别 其他 → 消防", "时间 → 11月26日12:45"}) {
		t.Errorf("其他 refined: %+v %q", got, changes)
	}
	assumed := incident.Facts{Injured: 1, Hospitalised: 1, HospitalAssumed: true}
	if _, changes := incident.Merge(assumed, incident.Facts{Injured: 1, Hospitalised: 1}); !slices.Equal(changes, []string{"住院 1人已确认"}) {
		t.Errorf("admission confirmed: %q", changes)
	}
}

func TestPolicyFromConfig(t *testing.T) {
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatal(err)
	}
	p := incident.PolicyFrom(cfg.Incident)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.AckWithin != 10*time.Minute || p.MaxRepeats != cfg.Incident.MaxRepeats || p.MajorLossYuan != 500 ||
		p.ReportUpLossYuan != 3000 || len(p.Levels) != 2 || p.Levels[1].Members[0] != "leader-2" {
		t.Errorf("policy %+v", p)
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
