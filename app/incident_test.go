package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/local"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

// incidentT0 is a Thursday lunchtime.
var incidentT0 = time.Date(2026, 11, 26, 12, 45, 0, 0, time.FixedZone("CST", 8*3600))

const foodReport = "急报 高一(1)班3名学生午餐后腹痛，已送县医院，其中1人住院观察"

// fastIncidents shortens the escalation so that the clock's minute ticks
// matter: acknowledge within 2 minutes, re-notify every 2, three rounds.
func fastIncidents(c *config.Config) {
	c.Incident.AckWithin = org.Duration{Duration: 2 * time.Minute}
	c.Incident.RepeatEvery = org.Duration{Duration: 2 * time.Minute}
	c.Incident.MaxRepeats = 3
}

// texts lists the texts of an inbox.
func texts(ms []local.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// count counts the pushes to member that contain part.
func (ta *testApp) count(member, part string) int {
	n := 0
	for _, m := range ta.inbox(member) {
		if strings.Contains(m.Text, part) {
			n++
		}
	}
	return n
}

func TestIncidentAlertEscalateAcknowledge(t *testing.T) {
	ta := newTestApp(t, incidentT0, fastIncidents)

	reply := ta.say("teacher-g1c1", foodReport)
	mustContain(t, reply, "已收到急报 E1", "王副校长", "重大", "住院1人", "食品卫生", "14:45", "书面 E1", "起因")
	ta.waitInbox("leader-1", "急报 E1", "刘老师", "腹痛", "收到 E1")
	ta.settle()
	if got := ta.inbox("leader-2"); len(got) != 0 {
		t.Fatalf("leader-2 alerted before the delay: %v", texts(got))
	}

	// Without 收到, level 1 gets it once ack_within has passed (the
	// incident clock reads the app's clock).
	ta.setNow(incidentT0.Add(2*time.Minute + 20*time.Second))
	ta.waitInbox("leader-2", "急报升级 E1", "收到 E1")
	ta.waitInbox("leader-1", "急报再次提醒 E1")

	// A non-leader cannot acknowledge; leader-2 can.
	mustContain(t, ta.say("teacher-g1c1", "收到 E1"), "分管领导")
	mustContain(t, ta.say("leader-2", "收到 E1"), "已确认急报 E1", "刘老师")
	ta.waitInbox("teacher-g1c1", "急报已确认 E1", "李校长")
	ta.waitInbox("leader-1", "急报已确认 E1", "李校长")
	mustContain(t, ta.say("leader-1", "确认 E1"), "已由李校长于 12:47 确认")

	// Nothing more is sent for the escalation: run the clock well past
	// every round, until the written-report reminder at 90 minutes shows
	// it ticked.
	ta.setNow(incidentT0.Add(91 * time.Minute))
	ta.waitInbox("teacher-g1c1", "书面报告提醒 E1")
	ta.settle()
	for member, want := range map[string]int{"leader-1": 3, "leader-2": 1} {
		if got := ta.inbox(member); len(got) != want {
			t.Errorf("%s got %d pushes, want %d: %v", member, len(got), want, texts(got))
		}
	}
	if n := ta.count("leader-2", "再次提醒"); n != 0 {
		t.Errorf("leader-2 re-notified after acknowledging")
	}
}

func TestIncidentRestartBetweenSteps(t *testing.T) {
	data := t.TempDir()
	ta := startTestApp(t, data, incidentT0, fastIncidents)
	ta.say("teacher-g1c1", foodReport)
	ta.setNow(incidentT0.Add(2*time.Minute + 10*time.Second))
	ta.waitInbox("leader-2", "急报升级 E1")
	ta.settle()
	ta.stop()

	// A new process on the same data, at round 2: round 2 is sent once,
	// nothing of round 0 or 1 again.
	ta = startTestApp(t, data, incidentT0.Add(4*time.Minute+10*time.Second), fastIncidents)
	ta.waitInbox("leader-2", "第2轮")
	ta.waitInbox("leader-1", "第2轮")
	ta.settle()
	for member, want := range map[string][]string{
		"leader-1": {"【急报 E1", "第1轮", "第2轮"},
		"leader-2": {"急报升级 E1", "第2轮"},
	} {
		got := texts(ta.inbox(member))
		if len(got) != len(want) {
			t.Fatalf("%s: %d pushes, want %d: %v", member, len(got), len(want), got)
		}
		for i, part := range want {
			if !strings.Contains(got[i], part) {
				t.Errorf("%s push %d lacks %q: %s", member, i, part, got[i])
			}
		}
	}
}

func TestIncidentTimeline(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	ta.say("teacher-g1c1", foodReport)
	ta.waitInbox("leader-1", "急报 E1")

	// Before anyone acknowledges, a follow-up goes to those alerted; a
	// message naming the incident with 最新进展 is a 续报 too.
	ta.setNow(incidentT0.Add(5 * time.Minute))
	mustContain(t, ta.say("teacher-g1c1", "E1 最新进展：又有2名学生腹痛，共5人身体不适"), "已续报 E1", "王副校长")
	ta.waitInbox("leader-1", "续报 E1", "共5人")
	mustContain(t, ta.say("teacher-g1c1", "E1 请领导看一下"), "续报 E1")

	// A bare 收到 acknowledges the only incident waiting.
	mustContain(t, ta.say("leader-1", "收到"), "已确认急报 E1")
	ta.setNow(incidentT0.Add(50 * time.Minute))
	mustContain(t, ta.say("teacher-g1c1", "续报 E1 已排除食物中毒，1人已出院"), "已续报 E1", "王副校长")
	ta.waitInbox("leader-1", "已排除食物中毒")

	mustContain(t, ta.say("leader-1", "急报列表"), "E1", "高一(1)班", "王副校长已确认", "书面报告 14:45 前")
	mustContain(t, ta.say("teacher-g1c1", "我的"), "E1")
	mustContain(t, ta.say("teacher-g2c1", "书面 E1 不是我班的事"), "不能处理急报 E1")
	mustContain(t, ta.say("teacher-g1c1", "书面 E1 11月26日12时40分，在学校食堂，3名学生午餐后腹痛……"), "按时提交", "14:45")
	ta.waitInbox("leader-1", "书面报告 E1", "按时")

	mustContain(t, ta.say("teacher-g1c1", "结案 E1"), "分管领导")
	mustContain(t, ta.say("leader-1", "结案 E1 学生均已康复返校"), "已结案", "刘老师")
	ta.waitInbox("teacher-g1c1", "结案 E1", "学生均已康复返校")
	mustContain(t, ta.say("teacher-g1c1", "续报 E1 还有一名学生不适"), "已于", "结案", "不再接收续报")
	mustContain(t, ta.say("leader-1", "急报列表"), "没有未结案的急报")
	mustContain(t, ta.say("leader-1", "收到 E9"), "没有找到急报 E9")
}

func TestIncidentUpwardReportAndRoles(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	mustContain(t, ta.say("lead-g1", "急报 有学生摔伤"), "抱歉")
	reply := ta.say("teacher-g1c1", "急报 今天12时50分左右，高一(1)班学生张三在校门口被车撞倒，经抢救无效死亡")
	mustContain(t, reply, "须报上级", "死亡1人", "上报材料", "政教处郑主任")
	ta.waitInbox("office-1", "须报上级", "名称", "报告人及单位")
	// 隐患 sets the kind.
	mustContain(t, ta.say("officer-2", "隐患 二楼走廊栏杆松动"), "已收到急报 E2", "隐患", "一般")
}

// wecomLike is a tiny notifier in the style of a WeCom app message: one JSON
// POST per push to a fake API on loopback, errcode checked.
type wecomLike struct {
	url    string
	client *http.Client
}

func (w wecomLike) Notify(ctx context.Context, n bot.Notification) error {
	body, _ := json.Marshal(map[string]any{"touser": n.To.Member, "msgtype": "text", "text": map[string]string{"content": n.Text}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		ErrCode int `json:"errcode"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.ErrCode != 0 {
		return fmt.Errorf("fake wecom: HTTP %d errcode %d: %v", resp.StatusCode, out.ErrCode, err)
	}
	return nil
}

// alertID finds the incident of a first alert: 【急报 E3｜重大】.
var alertID = regexp.MustCompile(`【急报 (E[0-9]+)｜`)

// BenchmarkIncidentToFirstPush measures an incident received on the local
// hook (durable record and outbox write) until the first push request
// reaches a fake WeCom-style API on loopback, one incident at a time.
func BenchmarkIncidentToFirstPush(b *testing.B) {
	var (
		mu      sync.Mutex
		arrived = map[string]chan time.Time{} // incident id → arrival of its first push
	)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var msg struct {
			Text struct{ Content string } `json:"text"`
		}
		_ = json.NewDecoder(r.Body).Decode(&msg)
		if m := alertID.FindStringSubmatch(msg.Text.Content); m != nil {
			id := m[1]
			mu.Lock()
			ch := arrived[id]
			mu.Unlock()
			if ch != nil {
				select {
				case ch <- at:
				default:
				}
			}
		}
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer fake.Close()

	noLimit := func(c *config.Config) { c.Server.RatePerMinute = 0 }
	a, err := app.New(app.Options{Config: testorg.Config(b, noLimit), Data: b.TempDir(),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	a.Notifier.(bot.Multi).By[bot.Local] = wecomLike{url: fake.URL, client: fake.Client()}
	a.Start()
	defer a.Close()
	srv := httptest.NewServer(a)
	defer srv.Close()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("E%d", i+1)
		ch := make(chan time.Time, 1)
		mu.Lock()
		arrived[id] = ch
		mu.Unlock()
		body, _ := json.Marshal(map[string]string{"from": "teacher-g1c1", "text": foodReport + fmt.Sprintf("（第%d次演练）", i)})
		start := time.Now()
		resp, err := srv.Client().Post(srv.URL+"/hook/local", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		reply, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(reply), "已收到急报 "+id) {
			b.Fatalf("reply %s", reply)
		}
		select {
		case at := <-ch:
			lat = append(lat, at.Sub(start))
		case <-time.After(5 * time.Second):
			b.Fatalf("no push for %s within 5 s", id)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// pushAt waits for the push to member containing every part and returns
// when it was delivered on the app's clock.
func (ta *testApp) pushAt(member string, parts ...string) time.Time {
	ta.t.Helper()
	text := ta.waitInbox(member, parts...)
	for _, m := range ta.inbox(member) {
		if m.Text == text {
			return m.At
		}
	}
	return time.Time{}
}

// Escalation steps, repeats and written-report reminders go out at their
// due instant, not at the next minute tick, also after a restart (issue 14
// item 6): with ack_within = "4s" the level-1 leader is paged 4 s after the
// report, not a minute later.
func TestIncidentStepsAtTheirInstant(t *testing.T) {
	t0 := incidentT0.Add(30 * time.Second) // 12:45:30, mid-minute
	seconds := func(c *config.Config) {
		c.Incident.AckWithin = org.Duration{Duration: 4 * time.Second}
		c.Incident.RepeatEvery = org.Duration{Duration: 4 * time.Second}
		c.Incident.MaxRepeats = 3
	}
	data := t.TempDir()
	ta := startTestApp(t, data, t0, seconds)
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1")
	ta.waitInbox("leader-1", "【急报 E1")

	at := func(member string, due time.Time, parts ...string) {
		t.Helper()
		ta.setNow(due)
		if got := ta.pushAt(member, parts...); !got.Equal(due) {
			t.Errorf("%s got %q at %s, want %s", member, parts, got.Format(time.TimeOnly), due.Format(time.TimeOnly))
		}
	}
	at("leader-2", t0.Add(4*time.Second), "急报升级 E1")
	at("leader-1", t0.Add(8*time.Second), "急报再次提醒 E1", "第2轮")

	// A new process on the same data, before round 3: it keeps the timer.
	ta.stop()
	ta = startTestApp(t, data, t0.Add(10*time.Second), seconds)
	at("leader-2", t0.Add(12*time.Second), "第3轮")
	at("teacher-g1c1", t0.Add(90*time.Minute), "书面报告提醒 E1", "还剩30分钟")
	at("teacher-g1c1", t0.Add(115*time.Minute), "书面报告提醒 E1", "还剩5分钟")
	at("leader-1", t0.Add(2*time.Hour), "书面报告逾期 E1")

	// The default ten minutes: paged at 12:55:30, not at 12:56.
	ta = newTestApp(t, t0)
	ta.say("teacher-g1c1", foodReport)
	ta.waitInbox("leader-1", "【急报 E1")
	at("leader-2", t0.Add(10*time.Minute), "急报升级 E1")
}

// incidentOf loads a stored incident.
func (ta *testApp) incidentOf(id string) *incident.Incident {
	ta.t.Helper()
	inc, err := ta.Store.Incident(id)
	if err != nil {
		ta.t.Fatalf("incident %s: %v", id, err)
	}
	return inc
}

// Issue 12 observation 8: a PE teacher's punishment that sent a student to
// hospital is 体罚 and at least 重大, not 一般 校园伤害.
func TestIncidentCorporalPunishmentIsMajor(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	reply := ta.say("teacher-g2c2", "急报 体育课上体育老师体罚学生罚跑20圈，学生晕倒送医院，已无大碍")
	mustContain(t, reply, "已收到急报 E1", "定级：重大（定级依据：", "送医1人（未说明是否住院，按住院计）",
		"体罚致学生身体受到伤害", "识别：体罚", "送医人员是否住院")
	mustNotContain(t, reply, "校园伤害", "定级：一般")
	if got := strings.Count(reply, "定级依据"); got != 1 {
		t.Errorf("定级依据 %d times:\n%s", got, reply)
	}
	inc := ta.incidentOf("E1")
	if inc.Category != "体罚" || inc.Severity != incident.Major || inc.Hospitalised != 1 || !inc.HospitalAssumed {
		t.Errorf("stored %s %s hospitalised %d assumed %v", inc.Category, inc.Severity, inc.Hospitalised, inc.HospitalAssumed)
	}
	ta.waitInbox("leader-1", "【急报 E1｜重大】", "定级依据：送医1人")
}

// Issue 12 observation 9: taken to hospital, violence with injuries and a
// school-bus rollover with fractures rank at least 重大 (须报上级 with the
// injured), fail safe, and the reply still asks what could change the level.
func TestIncidentFailSafeSeverity(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	for i, c := range []struct {
		from, text string
		level      string
		why        []string
	}{
		{"teacher-g1c1", "急报 高一(1)班学生李某在操场摔伤，已送医院检查", incident.ReportUp,
			[]string{"送医1人（未说明是否住院，按住院计）", "受伤1人"}},
		{"teacher-g1c2", "急报 15时25分许，校外人员持刀闯入校园砍伤2名学生，已由120接走", incident.ReportUp,
			[]string{"送医2人", "伤情：持刀、砍伤", "受伤2人"}},
		{"teacher-g2c1", "急报 今早7时10分许，我校校车在县道侧翻，4名学生骨折，驾驶员重伤，已送往县人民医院", incident.ReportUp,
			[]string{"送医", "重伤1人", "伤情：", "骨折", "校车侧翻", "受伤5人"}},
		{"officer-1", "急报 学生宿舍楼起火，1名学生手臂烧伤，已送医务室处理", incident.ReportUp,
			[]string{"伤情：烧伤", "火灾致人受伤", "受伤1人"}},
		{"teacher-g2c2", "急报 两名学生课间斗殴，一人鼻梁骨折", incident.ReportUp, []string{"伤情：斗殴、骨折", "受伤1人"}},
	} {
		id := fmt.Sprintf("E%d", i+1)
		reply := ta.say(c.from, c.text)
		mustContain(t, reply, "已收到急报 "+id, "定级："+c.level+"（定级依据：")
		mustContain(t, reply, c.why...)
		if inc := ta.incidentOf(id); inc.Severity != c.level {
			t.Errorf("%s stored as %s", id, inc.Severity)
		}
		if c.level == incident.ReportUp {
			mustContain(t, reply, "此事须报上级")
		}
	}
	// The fracture reply asks whether the student stays in hospital: that
	// is not known yet and could change the level.
	mustContain(t, ta.say("teacher-g1c1", "急报 学生在楼梯摔倒，右腿骨折，已通知家长"), "定级：须报上级", "是否住院")
	// A minor injury at the school clinic stays 一般, with its reason.
	mustContain(t, ta.say("teacher-g1c1", "急报 学生课间在走廊摔倒，膝盖擦伤，已送校医室处理"), "定级：一般（定级依据：受伤1人，未报住院）")
}

// Issue 12 observation 10: a follow-up changes a count only as it states
// it, lists every change, keeps it in the timeline, never moves the event
// time; 重伤 counts only the seriously injured.
func TestIncidentFollowUpsAddNeverOverwrite(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	mustContain(t, ta.say("teacher-g1c2", "急报 12时40分，高一(2)班3名学生午餐后腹痛呕吐，已送县医院，其中1人住院观察"),
		"已收到急报 E1", "住院1人")
	ta.waitInbox("leader-1", "急报 E1")
	mustContain(t, ta.say("leader-1", "收到 E1"), "已确认急报 E1")

	ta.setNow(incidentT0.Add(5 * time.Hour))
	reply := ta.say("teacher-g1c2", "续报 E1 最新进展：截至18时，住院学生已出院，其余2人无大碍，疾控已取样")
	mustContain(t, reply, "已续报 E1", "变化：住院 1 → 0。", "当前定级：重大（定级依据：类别：食品卫生）")
	inc := ta.incidentOf("E1")
	if inc.Hospitalised != 0 || inc.Ill != 3 || inc.Time.Hour() != 12 || inc.Time.Minute() != 40 || inc.Time.Day() != 26 {
		t.Errorf("after 续报: hospitalised %d ill %d time %v", inc.Hospitalised, inc.Ill, inc.Time)
	}
	last := inc.Timeline[len(inc.Timeline)-1]
	if last.Type != incident.EntryFollowUp || !slices.Equal(last.Changes, []string{"住院 1 → 0"}) {
		t.Errorf("timeline entry %+v", last)
	}
	ta.waitInbox("leader-1", "续报 E1", "变化：住院 1 → 0")
	if !strings.Contains(inc.Measures, "疾控已取样") || !strings.Contains(inc.Measures, "已送县医院") {
		t.Errorf("measures %q", inc.Measures)
	}

	// New people are added, a total replaces, and each change is listed.
	mustContain(t, ta.say("teacher-g1c2", "续报 E1 新增1人住院，腹痛学生人数上升至5人"), "变化：身体不适 3 → 5；住院 0 → 1。")
	if inc := ta.incidentOf("E1"); inc.Ill != 5 || inc.Hospitalised != 1 {
		t.Errorf("after 新增: ill %d hospitalised %d", inc.Ill, inc.Hospitalised)
	}
	mustContain(t, ta.say("teacher-g1c2", "E1 截止20时，学生情况稳定"), "已续报 E1", "人数、损失等情况无变化")

	// 书面: a time with no event time known becomes it; 重伤 is one person.
	mustContain(t, ta.say("teacher-g2c1", "急报 学校租用的接送车在县道侧翻，有学生受伤"), "已收到急报 E2", "时间")
	reply = ta.say("teacher-g2c1", "书面 E2 11月26日7时10分许，学校租用的接送车在县道侧翻，驾驶人重伤，两名学生轻伤，均已送县医院治疗")
	mustContain(t, reply, "受伤 1 → 3", "重伤 0 → 1", "时间 → 11月26日07:10")
	inc = ta.incidentOf("E2")
	if inc.SeriouslyInjured != 1 || inc.Injured != 3 || inc.Time.Hour() != 7 {
		t.Errorf("written: seriously %d injured %d time %v", inc.SeriouslyInjured, inc.Injured, inc.Time)
	}
}

// SPEC §7: a leader corrects the level with 定级; it is kept in the
// timeline, pushed to those already alerted, and refused to others.
func TestIncidentLeaderGrades(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	mustContain(t, ta.say("teacher-g1c1", "急报 学生课间在操场摔伤手臂，已送医院检查"), "已收到急报 E1", "须报上级")
	ta.waitInbox("leader-1", "急报 E1")
	ta.waitInbox("office-1", "须报上级 E1")

	// The student was not admitted: the level stays until a leader lowers it.
	mustContain(t, ta.say("teacher-g1c1", "续报 E1 经医院检查无需住院，已返校"), "变化：住院 1 → 0",
		"当前定级：须报上级", "按现有情况可定为“一般”", "定级 E1 一般 理由")
	mustContain(t, ta.say("teacher-g1c1", "定级 E1 一般"), "抱歉", "需要分管领导身份")
	mustContain(t, ta.say("leader-1", "定级 E1 很严重"), "定级 E3 一般")
	mustContain(t, ta.say("leader-1", "定级 E9 一般"), "没有找到急报 E9")

	reply := ta.say("leader-1", "定级 E1 一般 经医院检查仅软组织挫伤，未住院，已返校")
	mustContain(t, reply, "已更正急报 E1 的定级 须报上级 → 一般", "刘老师")
	inc := ta.incidentOf("E1")
	last := inc.Timeline[len(inc.Timeline)-1]
	if inc.Severity != incident.Normal || inc.Graded == nil || inc.Graded.By != "leader-1" ||
		last.Type != incident.EntryGraded || last.Text != "经医院检查仅软组织挫伤，未住院，已返校" {
		t.Errorf("stored %s %+v %+v", inc.Severity, inc.Graded, last)
	}
	ta.waitInbox("teacher-g1c1", "急报定级 E1", "王副校长", "“须报上级”调整为“一般”", "软组织挫伤")
	ta.settle()
	if n := ta.count("leader-2", "定级"); n != 0 {
		t.Errorf("leader-2, never alerted, got the grading")
	}
	// A follow-up that brings nothing graver keeps the leader's level.
	mustContain(t, ta.say("teacher-g1c1", "续报 E1 学生已回教室上课"), "当前定级：一般（定级依据：领导定级：经医院检查")
	mustContain(t, ta.say("leader-1", "急报列表"), "E1", "一般")
	mustContain(t, ta.say("leader-1", "帮助"), "定级 E3 一般")
	mustNotContain(t, ta.say("teacher-g1c1", "帮助"), "定级")
}
