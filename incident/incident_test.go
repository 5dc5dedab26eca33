package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	shanghai = time.FixedZone("CST", 8*3600)
	t0       = time.Date(2026, 11, 26, 12, 45, 0, 0, shanghai)
)

// testPolicy has no delivery checks (TestDeliveryChecks has them): the
// other tests count the pushes of the escalation and the written report.
func testPolicy() Policy {
	p := DefaultPolicy()
	p.Levels = []Level{
		{Members: []string{"leader-1"}, Groups: []string{"safety"}},
		{Members: []string{"leader-2"}},
	}
	p.CheckAfter = 0
	return p
}

// TestDeliveryChecks: CheckAfter after each round that paged someone for
// the first time, one check of those first pushes; none once acknowledged.
func TestDeliveryChecks(t *testing.T) {
	p := testPolicy()
	p.CheckAfter = 2 * time.Minute
	inc := newTestIncident(p)
	var got []string
	for m := 0; m <= 40; m++ {
		now := t0.Add(time.Duration(m) * time.Minute)
		steps := Due(inc, p, now)
		for _, s := range steps {
			if s.Kind == StepUnreached {
				var whom []string
				for _, c := range s.Checks {
					whom = append(whom, c.To.String())
				}
				got = append(got, fmt.Sprintf("%d %s %s→%s", m, s.Key, s.To, strings.Join(whom, ",")))
			}
		}
		MarkSent(inc, steps, now)
		if next := NextAt(inc, p, now); m == 0 && !next.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("NextAt after the report = %v, want the check at 12:47", next)
		}
		if m == 15 {
			if err := Ack(inc, "leader-2", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := []string{
		"2 E3|unreached|0|teacher-g1c1 teacher-g1c1→leader-1,group:safety",
		"12 E3|unreached|1|teacher-g1c1 teacher-g1c1→leader-2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func newTestIncident(p Policy) *Incident {
	return New(Report{
		ID: "E3", Reporter: "teacher-g1c1", ReporterName: "张老师", Unit: "g1c1", UnitName: "高一(1)班",
		At:   t0,
		Text: "初一(2)班3名学生午餐后腹痛，已送县医院，其中1人住院观察",
		Facts: Facts{
			Kind: KindAccident, Category: CatFood, Ill: 3, Hospitalised: 1,
			Measures: "已送县医院",
		},
	}, p)
}

// sent is one push as the fake outbox saw it.
type sent struct {
	min  int // minutes after t0
	key  string
	kind string
}

// run drives the incident minute by minute from minute `from` to `to`
// (inclusive), queueing what Due returns, and applies events at given minutes.
func run(t *testing.T, inc *Incident, p Policy, from, to int, events map[int]func(now time.Time)) []sent {
	t.Helper()
	var out []sent
	for m := from; m <= to; m++ {
		now := t0.Add(time.Duration(m) * time.Minute)
		if ev := events[m]; ev != nil {
			ev(now)
		}
		steps := Due(inc, p, now)
		for _, s := range steps {
			out = append(out, sent{m, s.Key, s.Kind})
		}
		MarkSent(inc, steps, now)
		if again := Due(inc, p, now); len(again) != 0 {
			t.Fatalf("minute %d: Due after MarkSent returned %v", m, again)
		}
	}
	return out
}

func keys(ss []sent) []string {
	var k []string
	for _, s := range ss {
		k = append(k, fmt.Sprintf("%d %s %s", s.min, s.kind, s.key))
	}
	return k
}

func TestEscalationWholeRun(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	got := keys(run(t, inc, p, 0, 180, nil))
	want := []string{
		"0 alert E3|esc|0|leader-1",
		"0 alert E3|esc|0|group:safety",
		"10 renotify E3|esc|1|leader-1",
		"10 renotify E3|esc|1|group:safety",
		"10 escalate E3|esc|1|leader-2",
		"20 renotify E3|esc|2|leader-1",
		"20 renotify E3|esc|2|group:safety",
		"20 renotify E3|esc|2|leader-2",
		"30 renotify E3|esc|3|leader-1",
		"30 renotify E3|esc|3|group:safety",
		"30 renotify E3|esc|3|leader-2",
		"90 remind E3|remind|1|teacher-g1c1",
		"115 remind E3|remind|2|teacher-g1c1",
		"120 overdue E3|overdue|0|leader-1",
		"120 overdue E3|overdue|0|group:safety",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pushes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if inc.LevelReached != 1 || inc.Reminders != 2 || inc.WrittenState != WrittenMissing {
		t.Errorf("level %d, reminders %d, written %s", inc.LevelReached, inc.Reminders, inc.WrittenState)
	}
	var escalated int
	for _, e := range inc.Timeline {
		if e.Type == EntryEscalated {
			escalated++
		}
	}
	if escalated != 1 {
		t.Errorf("timeline has %d escalation entries, want 1: %+v", escalated, inc.Timeline)
	}
}

func TestMoreLevelsThanRounds(t *testing.T) {
	p := testPolicy()
	p.Levels = append(p.Levels, Level{Members: []string{"leader-3"}}, Level{Members: []string{"leader-4"}})
	p.MaxRepeats = 2
	inc := newTestIncident(p)
	out := run(t, inc, p, 0, 60, nil)
	var got []string
	for _, s := range out {
		if s.kind == StepEscalate {
			got = append(got, fmt.Sprintf("%d %s", s.min, s.key))
		}
	}
	want := []string{"10 E3|esc|1|leader-2", "20 E3|esc|2|leader-3"}
	if !slices.Equal(got, want) {
		t.Errorf("escalations %v, want %v", got, want)
	}
	if inc.LevelReached != 2 {
		t.Errorf("level reached %d", inc.LevelReached)
	}
}

func TestNothingAfterAck(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	out := run(t, inc, p, 0, 180, map[int]func(time.Time){
		15: func(now time.Time) {
			if err := Ack(inc, "leader-2", now); err != nil {
				t.Fatal(err)
			}
		},
	})
	for _, s := range out {
		if s.min > 15 && strings.Contains(s.key, "|esc|") {
			t.Errorf("pushed %s at minute %d after the acknowledgement", s.key, s.min)
		}
	}
	// The written-report clock keeps running after the acknowledgement.
	if !slices.ContainsFunc(out, func(s sent) bool { return s.kind == StepOverdue }) {
		t.Error("no overdue notice after an acknowledged but unwritten incident")
	}
	if inc.AckedBy != "leader-2" || !inc.AckedAt.Equal(t0.Add(15*time.Minute)) {
		t.Errorf("acked by %q at %v", inc.AckedBy, inc.AckedAt)
	}
}

func TestAckFirstWins(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	if err := Ack(inc, "leader-1", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	err := Ack(inc, "leader-2", t0.Add(2*time.Minute))
	if !errors.Is(err, ErrAlreadyAcked) {
		t.Fatalf("second ack: %v", err)
	}
	if inc.AckedBy != "leader-1" || !inc.AckedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("acked by %s at %v", inc.AckedBy, inc.AckedAt)
	}
	if n := len(inc.Timeline); n != 2 || inc.Timeline[1].Type != EntryAck || inc.Timeline[1].By != "leader-1" {
		t.Errorf("timeline %+v", inc.Timeline)
	}
}

func TestWrittenReport(t *testing.T) {
	p := testPolicy()
	tests := []struct {
		name      string
		at        int // minute of the written report
		state     string
		reminders []string
		overdue   bool
	}{
		{"early", 30, WrittenOnTime, nil, false},
		{"after first reminder", 100, WrittenOnTime, []string{"E3|remind|1|teacher-g1c1"}, false},
		{"at the deadline", 120, WrittenOnTime, []string{"E3|remind|1|teacher-g1c1", "E3|remind|2|teacher-g1c1"}, false},
		{"late", 130, WrittenLate, []string{"E3|remind|1|teacher-g1c1", "E3|remind|2|teacher-g1c1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := newTestIncident(p)
			out := run(t, inc, p, 0, 200, map[int]func(time.Time){
				tt.at: func(now time.Time) {
					state, err := Written(inc, "teacher-g1c1", "书面报告：经查为食物中毒……", now)
					if err != nil || state != tt.state {
						t.Fatalf("Written = %q, %v; want %q", state, err, tt.state)
					}
				},
			})
			var reminders []string
			overdue := false
			for _, s := range out {
				switch s.kind {
				case StepRemind:
					reminders = append(reminders, s.key)
				case StepOverdue:
					overdue = true
				}
			}
			if !slices.Equal(reminders, tt.reminders) || overdue != tt.overdue {
				t.Errorf("reminders %v overdue %v; want %v %v", reminders, overdue, tt.reminders, tt.overdue)
			}
			if got := WrittenState(inc, t0.Add(300*time.Minute)); got != tt.state {
				t.Errorf("state later %s", got)
			}
		})
	}
}

func TestWrittenStateClock(t *testing.T) {
	inc := newTestIncident(testPolicy())
	for _, tt := range []struct {
		min  int
		want string
	}{{0, WrittenPending}, {119, WrittenPending}, {120, WrittenMissing}, {500, WrittenMissing}} {
		if got := WrittenState(inc, t0.Add(time.Duration(tt.min)*time.Minute)); got != tt.want {
			t.Errorf("minute %d: %s, want %s", tt.min, got, tt.want)
		}
	}
	if inc.WrittenState != WrittenPending {
		t.Errorf("new incident written_state %q", inc.WrittenState)
	}
}

func TestScaledReminders(t *testing.T) {
	p := testPolicy()
	p.WrittenWithin = time.Hour
	inc := newTestIncident(p)
	var got []string
	for s := 0; s <= 3600; s += 30 {
		now := t0.Add(time.Duration(s) * time.Second)
		steps := Due(inc, p, now)
		for _, st := range steps {
			if st.Kind != StepAlert && st.Kind != StepEscalate && st.Kind != StepRenotify {
				got = append(got, fmt.Sprintf("%v %s", now.Sub(t0), st.Key))
			}
		}
		MarkSent(inc, steps, now)
	}
	want := []string{
		"45m0s E3|remind|1|teacher-g1c1",
		"57m30s E3|remind|2|teacher-g1c1",
		"1h0m0s E3|overdue|0|leader-1",
		"1h0m0s E3|overdue|0|group:safety",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestRestart stores the incident as JSON midway (the store's view) and
// carries on from the decoded copy: the pushes are exactly those of an
// uninterrupted run, none twice.
func TestRestart(t *testing.T) {
	p := testPolicy()
	whole := keys(run(t, newTestIncident(p), p, 0, 180, nil))

	inc := newTestIncident(p)
	first := keys(run(t, inc, p, 0, 25, nil))
	data, err := json.Marshal(inc)
	if err != nil {
		t.Fatal(err)
	}
	var restored Incident
	if err := json.Unmarshal(data, &restored); err != nil {
		t.Fatal(err)
	}
	// The restarted process computes again at the same minute: nothing new.
	if again := Due(&restored, p, t0.Add(25*time.Minute)); len(again) != 0 {
		t.Fatalf("after restart at minute 25: %v", again)
	}
	second := keys(run(t, &restored, p, 26, 180, nil))
	if got := append(first, second...); !slices.Equal(got, whole) {
		t.Errorf("with restart:\n%s\nwithout:\n%s", strings.Join(got, "\n"), strings.Join(whole, "\n"))
	}
}

// TestDowntime: after an outage only the latest round and reminder are due,
// once, and a level first reached late is still an escalation.
func TestDowntime(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	MarkSent(inc, Due(inc, p, t0), t0)
	steps := Due(inc, p, t0.Add(100*time.Minute))
	var got []string
	for _, s := range steps {
		got = append(got, s.Kind+" "+s.Key)
	}
	want := []string{
		"renotify E3|esc|3|leader-1",
		"renotify E3|esc|3|group:safety",
		"escalate E3|esc|3|leader-2",
		"remind E3|remind|1|teacher-g1c1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	MarkSent(inc, steps, t0.Add(100*time.Minute))
	if inc.LevelReached != 1 {
		t.Errorf("level reached %d", inc.LevelReached)
	}
	if again := Due(inc, p, t0.Add(101*time.Minute)); len(again) != 0 {
		t.Errorf("again: %v", again)
	}
}

func TestClosedStopsEverything(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	out := run(t, inc, p, 0, 200, map[int]func(time.Time){
		5: func(now time.Time) {
			if err := Close(inc, "leader-1", "误报，学生已返校", now); err != nil {
				t.Fatal(err)
			}
		},
	})
	if len(out) != 2 || out[0].min != 0 || out[1].min != 0 {
		t.Errorf("pushes of a closed incident: %v", out)
	}
	at := t0.Add(6 * time.Minute)
	for name, err := range map[string]error{
		"close":     Close(inc, "leader-1", "", at),
		"follow-up": FollowUp(inc, "teacher-g1c1", "最新进展", at),
		"ack":       Ack(inc, "leader-2", at),
		"written":   func() error { _, err := Written(inc, "teacher-g1c1", "书面", at); return err }(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s on a closed incident: %v", name, err)
		}
	}
	if !inc.Closed || inc.ClosedBy != "leader-1" || !inc.ClosedAt.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("closed %v by %s at %v", inc.Closed, inc.ClosedBy, inc.ClosedAt)
	}
	if !NextAt(inc, p, at).IsZero() {
		t.Error("closed incident has a next time")
	}
}

func TestFollowUpAndEmpty(t *testing.T) {
	inc := newTestIncident(testPolicy())
	at := t0.Add(30 * time.Minute)
	if err := FollowUp(inc, "teacher-g1c1", "  ", at); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty follow-up: %v", err)
	}
	if _, err := Written(inc, "teacher-g1c1", "", at); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty written report: %v", err)
	}
	if err := FollowUp(inc, "teacher-g1c1", "截至13时，已排除食物中毒", at); err != nil {
		t.Fatal(err)
	}
	last := inc.Timeline[len(inc.Timeline)-1]
	if last.Type != EntryFollowUp || last.Text != "截至13时，已排除食物中毒" || !last.At.Equal(at) {
		t.Errorf("last entry %+v", last)
	}
}

func TestNextAt(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	for _, tt := range []struct{ now, want int }{
		{0, 10}, {10, 20}, {29, 30}, {30, 90}, {90, 115}, {115, 120}, {120, -1},
	} {
		got := NextAt(inc, p, t0.Add(time.Duration(tt.now)*time.Minute))
		want := time.Time{}
		if tt.want >= 0 {
			want = t0.Add(time.Duration(tt.want) * time.Minute)
		}
		if !got.Equal(want) {
			t.Errorf("NextAt(minute %d) = %v, want %v", tt.now, got, want)
		}
	}
}

func TestNoticeTexts(t *testing.T) {
	p := testPolicy()
	inc := newTestIncident(p)
	texts := map[string]string{} // recipient+text → key
	for m := 0; m <= 180; m++ {
		now := t0.Add(time.Duration(m) * time.Minute)
		steps := Due(inc, p, now)
		for _, s := range steps {
			n := Notice(inc, s)
			if n.Key != s.Key || n.To != s.To || n.Text == "" || !strings.Contains(n.Text, "E3") {
				t.Errorf("notice %+v for step %+v", n, s)
			}
			if (s.To.Group != "") != (len(n.Mention) > 0) {
				t.Errorf("mentions %v for %v", n.Mention, s.To)
			}
			if prev, dup := texts[s.To.String()+n.Text]; dup {
				t.Errorf("same text to %s for %s and %s", s.To, prev, s.Key)
			}
			texts[s.To.String()+n.Text] = s.Key
		}
		MarkSent(inc, steps, now)
	}
	alert := Notice(inc, Step{Key: "k", Kind: StepAlert, At: t0})
	for _, want := range []string{"急报 E3｜重大", "高一(1)班 张老师 12:45", "腹痛", "住院1人", "收到 E3"} {
		if !strings.Contains(alert.Text, want) {
			t.Errorf("alert text lacks %q:\n%s", want, alert.Text)
		}
	}
	remind := Notice(inc, Step{Key: "k", Kind: StepRemind, Round: 1, At: t0.Add(90 * time.Minute)})
	for _, want := range []string{"14:45前", "还剩30分钟", "书面 E3", "时间、地点、起因"} {
		if !strings.Contains(remind.Text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, remind.Text)
		}
	}
}

func TestExportJSONFields(t *testing.T) {
	inc := newTestIncident(testPolicy())
	data, err := json.Marshal(inc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "reporter", "unit", "reported_at", "kind", "category", "severity", "dead",
		"missing", "injured", "seriously_injured", "ill", "hospitalised", "loss_yuan", "place", "acked_by",
		"acked_at", "level_reached", "written_state", "closed", "timeline"} {
		if _, ok := m[k]; !ok {
			t.Errorf("export lacks %q: %s", k, data)
		}
	}
	if m["severity"] != Major || m["ill"] != 3.0 || m["written_state"] != WrittenPending || m["acked_at"] != nil {
		t.Errorf("values: %s", data)
	}
	tl := m["timeline"].([]any)[0].(map[string]any)
	if tl["type"] != EntryReport || tl["by"] != "teacher-g1c1" {
		t.Errorf("timeline: %v", tl)
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := testPolicy().Validate(); err != nil {
		t.Errorf("default policy: %v", err)
	}
	bad := testPolicy()
	bad.AckWithin = 0
	bad.Reminders = []time.Duration{100 * time.Minute, 90 * time.Minute}
	bad.Levels = append(bad.Levels, Level{})
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad policy accepted")
	}
	for _, want := range []string{"ack_within", "increase", "level 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// TestCasualties: the one writer of the people harmed, for the 急报 reply
// (joined by 、) and the written report (by ，).
func TestCasualties(t *testing.T) {
	for _, c := range []struct {
		f         Facts
		sep, want string
	}{
		{Facts{}, "、", ""},
		{Facts{NoHarm: true}, "、", "无人员伤亡"},
		{Facts{Ill: 3, Hospitalised: 2}, "、", "身体不适3人、住院2人"},
		{Facts{Ill: 3, Hospitalised: 2}, "，", "身体不适3人，住院2人"},
		{Facts{Injured: 5, SeriouslyInjured: 1, CountsApprox: true}, "、", "受伤5人、其中重伤1人（约数）"},
		{Facts{Dead: 1, Missing: 2}, "，", "死亡1人，失踪2人"},
		// A later count outweighs an earlier "no one hurt".
		{Facts{NoHarm: true, Injured: 1}, "、", "受伤1人"},
	} {
		if got := c.f.Casualties(c.sep); got != c.want {
			t.Errorf("%+v.Casualties(%q) = %q, want %q", c.f, c.sep, got, c.want)
		}
	}
}
