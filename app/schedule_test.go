package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot/local"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// thursday is 2026-11-26 16:29:50 in Asia/Shanghai: ten seconds before the
// 16:30 attendance reminder, half an hour before the form is due.
var thursday = time.Date(2026, 11, 26, 16, 29, 50, 0, time.FixedZone("CST", 8*3600))

// withGroup adds a local group chat of grade 高一 that @s its grade lead.
func withGroup(c *config.Config) {
	c.Groups = append(c.Groups, org.Group{Name: "高一年级群", Channel: "local", Mention: []string{"lead-g1"},
		Grades: []string{"高一"}})
}

// pushes is how many pushes to member contain every part.
func (ta *testApp) pushes(member string, parts ...string) int {
	ta.t.Helper()
	n := 0
	for _, m := range ta.inbox(member) {
		if containsAll(m.Text, parts...) {
			n++
		}
	}
	return n
}

// submitForm sends 考勤 全勤 as the cadre and checks it was accepted.
func (ta *testApp) submitForm(cadre string) {
	ta.t.Helper()
	reply := ta.say(cadre, "考勤 全勤")
	if !strings.Contains(reply, "已收到 A") {
		ta.t.Fatalf("考勤 全勤 from %s not accepted:\n%s", cadre, reply)
	}
}

func TestScheduledRemindersEndToEnd(t *testing.T) {
	skipOnPostgres(t, "it reads the bbolt file directly")
	data := t.TempDir()
	ta := startTestApp(t, data, thursday, withGroup)
	ta.submitForm("cadre-g1c1")

	// 16:30: the reminder reaches the classes without a form, and only them.
	ta.setNow(thursday.Add(10*time.Second + 500*time.Millisecond))
	text := ta.waitInbox("cadre-g1c2", "考勤提醒·16:30", "高一(2)班", "11月26日（周四）", "17:00")
	mustNotContain(t, text, "高一(1)班", "高二")
	ta.waitInbox("teacher-g1c2", "考勤提醒·16:30")
	ta.waitInbox("cadre-g2c2", "考勤提醒·16:30", "高二(2)班")
	ta.settle()
	for _, m := range []string{"cadre-g1c1", "teacher-g1c1"} {
		if n := ta.pushes(m, "考勤提醒·16:30"); n != 0 {
			t.Errorf("%s, whose class submitted, got %d reminders: %+v", m, n, ta.inbox(m))
		}
	}
	// The 15:00 reminder, missed before the start at 16:29:50, was not
	// caught up: the 16:30 one came 10 s later and said it (catchup_merge).
	if n := ta.pushes("cadre-g1c2", "考勤提醒"); n != 1 {
		t.Errorf("cadre-g1c2 got %d reminders, want the 16:30 one: %+v", n, ta.inbox("cadre-g1c2"))
	}

	// 17:05: the overdue list, from stored state; cadre-g1c2 submits late
	// at 17:02 and is not listed.
	ta.setNow(thursday.Add(32 * time.Minute))
	ta.submitForm("cadre-g1c2")
	ta.setNow(thursday.Add(35*time.Minute + 11*time.Second))
	office := ta.waitInbox("office-1", "考勤逾期", "高二(1)班", "高二(2)班", "共 2 个班")
	mustNotContain(t, office, "高一(1)班", "高一(2)班")
	ta.waitInbox("lead-g2", "考勤逾期", "高二(1)班", "高二(2)班")
	ta.settle()
	if n := ta.pushes("lead-g1", "考勤逾期"); n != 0 {
		// 高一 has no missing class after cadre-g1c2's late form.
		t.Errorf("lead-g1 got an overdue list with nothing missing: %+v", ta.inbox("lead-g1"))
	}
	if n := ta.pushes("group:高一年级群", "考勤逾期"); n != 0 {
		t.Errorf("the 高一 group got an empty list: %+v", ta.inbox("group:高一年级群"))
	}
	metrics := get(t, ta.srv.URL+"/metrics")
	mustContain(t, metrics, `baosong_reminders_total{job="attendance-remind-1630"} 6`,
		`baosong_reminders_total{job="attendance-overdue"} 2`)
	mustContain(t, get(t, ta.srv.URL+"/healthz"), "ok")

	// A process killed without saving where its scheduler got to (the
	// watermark says 16:00) restarts at 17:09:50: the firings inside the
	// catch-up window run again (the reminders are dropped, their deadline
	// passed; the overdue list is recomputed) and nothing is queued twice.
	ta.stop()
	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetKV("scheduler.watermark", thursday.Add(-30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ta = startTestApp(t, data, thursday.Add(40*time.Minute), withGroup)
	if err := ta.Scheduler.Stop(context.Background()); err != nil { // returns once the catch-up has run
		t.Fatal(err)
	}
	ta.settle()
	mustContain(t, get(t, ta.srv.URL+"/metrics"), `baosong_reminders_total{job="attendance-overdue"} 0`)
	for member, part := range map[string]string{"cadre-g1c2": "考勤提醒·16:30", "cadre-g2c1": "考勤提醒", "office-1": "考勤逾期"} {
		if n := ta.pushes(member, part); n != 1 {
			t.Errorf("after the restart %s has %d pushes with %q", member, n, part)
		}
	}
}

// The overdue list in a group names classes, @s the lead and the class
// teachers, and names no student.
func TestOverdueListInGroup(t *testing.T) {
	ta := newTestApp(t, thursday, withGroup)
	ta.say("cadre-g1c1", "考勤 旷课：张三2节")
	ta.setNow(thursday.Add(35*time.Minute + 11*time.Second))
	text := ta.waitInbox("group:高一年级群", "考勤逾期", "高一(2)班")
	mustNotContain(t, text, "高一(1)班", "张三", "周八", "高二")
	items, err := ta.Store.Failed(10)
	if err != nil || len(items) != 0 {
		t.Errorf("failed pushes: %v %v", items, err)
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(resp)
}

// TestServeNowBinary builds the real binary, runs `serve -now <Thursday
// 16:29:50>` and watches the 16:30 reminder arrive through the inbox.
func TestServeNowBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "baosong")
	build := exec.Command("go", "build", "-o", bin, "github.com/baosong/baosong/cmd/baosong")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "-now", thursday.Format(time.RFC3339),
		"-listen", "127.0.0.1:0", "-data", filepath.Join(dir, "data"))
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve did not stop cleanly: %v", err)
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no banner: %v", err)
	}
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("banner: %q", line)
	}
	base := m[1]
	go io.Copy(io.Discard, stdout)

	body, _ := json.Marshal(local.Request{From: "cadre-g1c1", Text: "考勤 全勤"})
	resp, err := http.Post(base+"/hook/local", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	if reply := readAll(resp); !strings.Contains(reply, "已收到 A") {
		t.Fatalf("考勤 全勤 not accepted: %s", reply)
	}
	inbox := func(member string) []string {
		var out local.InboxResponse
		r, err := http.Get(base + "/hook/local/inbox?" + url.Values{"member": {member}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		if err := json.NewDecoder(r.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range out.Messages {
			texts = append(texts, m.Text)
		}
		return texts
	}
	has := func(texts []string, part string) bool {
		for _, s := range texts {
			if strings.Contains(s, part) {
				return true
			}
		}
		return false
	}
	// The clock runs on from 16:29:50: 16:30 comes within ten seconds.
	deadline := time.Now().Add(30 * time.Second)
	for !has(inbox("cadre-g1c2"), "考勤提醒·16:30") {
		if time.Now().After(deadline) {
			t.Fatalf("no 16:30 reminder for cadre-g1c2 after 30 s: %q", inbox("cadre-g1c2"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := inbox("cadre-g1c1"); has(got, "考勤提醒·16:30") {
		t.Errorf("cadre-g1c1 submitted and was reminded: %q", got)
	}
	mustContain(t, get(t, base+"/healthz"), "ok")
}

// The monthly summary goes out on the 1st from the stored forms; the grade
// lead who confirmed is not chased, the other is, and the office gets the
// overdue confirmation list.
func TestMonthlySummaryAndConfirmationChase(t *testing.T) {
	cst := thursday.Location()
	ta := newTestApp(t, time.Date(2026, 11, 26, 16, 0, 0, 0, cst))
	if r := ta.say("cadre-g1c1", "考勤 旷课：张三2节"); !strings.Contains(r, "已收到 A") {
		t.Fatalf("form not accepted: %s", r)
	}
	ta.setNow(time.Date(2026, 12, 1, 8, 0, 1, 0, cst))
	lead := ta.waitInbox("lead-g1", "月度汇总", "2026年11月", "高一(1)班", "张三 旷课 2 节", "12月4日（周五）", "确认汇总 11月")
	mustNotContain(t, lead, "高二")
	ta.waitInbox("office-1", "月度汇总", "2026年11月", "高一(1)班", "高二(2)班")

	ta.setNow(time.Date(2026, 12, 2, 10, 0, 0, 0, cst))
	if r := ta.say("lead-g1", "确认汇总 11月"); !strings.Contains(r, "11月") {
		t.Fatalf("确认汇总: %s", r)
	}
	// 12-05 is a Saturday: due Friday 12-04, reminded Thursday 12-03.
	ta.setNow(time.Date(2026, 12, 3, 9, 0, 1, 0, cst))
	ta.waitInbox("lead-g2", "汇总确认提醒", "高二", "12月4日（周五）")
	ta.settle()
	if n := ta.pushes("lead-g1", "汇总确认提醒"); n != 0 {
		t.Errorf("lead-g1 confirmed and was chased %d times", n)
	}
	// Overdue the working day after: Monday 12-07.
	ta.setNow(time.Date(2026, 12, 7, 9, 0, 1, 0, cst))
	office := ta.waitInbox("office-1", "汇总确认逾期", "高二")
	mustNotContain(t, office, "高一")
	ta.waitInbox("lead-g2", "汇总确认逾期")
}

// The weekly department report: the Monday reminder to the officers, the
// 12:05 overdue list of the departments still missing.
func TestWeeklyReportJobs(t *testing.T) {
	cst := thursday.Location()
	ta := newTestApp(t, time.Date(2026, 11, 23, 8, 59, 0, 0, cst))
	ta.setNow(time.Date(2026, 11, 23, 9, 0, 1, 0, cst))
	ta.waitInbox("officer-1", "周报提醒", "政教处", "11月16日—11月22日这一周", "12:00")
	ta.waitInbox("officer-2", "周报提醒", "办公室")
	ta.setNow(time.Date(2026, 11, 23, 10, 0, 0, 0, cst))
	// On the due day the report is the one due today, though the week
	// before was never reported (issue 14).
	if r := ta.say("officer-1", "周报 上周大事：召开学期安全工作会；出勤：全勤"); !strings.Contains(r, "11月16日—11月22日这一周，按时") {
		t.Fatalf("周报: %s", r)
	}
	ta.setNow(time.Date(2026, 11, 23, 12, 5, 1, 0, cst))
	office := ta.waitInbox("office-1", "周报逾期", "办公室")
	mustNotContain(t, office, "政教处")
	ta.waitInbox("officer-2", "周报逾期")
	ta.settle()
	if n := ta.pushes("officer-1", "周报逾期"); n != 0 {
		t.Errorf("officer-1 reported and is listed: %+v", ta.inbox("officer-1"))
	}
}
