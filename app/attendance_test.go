package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baosong/baosong/config"
)

// Thursday 2026-11-26: forms are due Monday and Thursday 17:00.
var attThursday = time.Date(2026, 11, 26, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

func attClock(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, attThursday.Location())
	if err != nil {
		panic(err)
	}
	return t
}

func attNoRateLimit(c *config.Config) { c.Server.RatePerMinute = 0 }

// attTwoClasses makes teacher-g1c1 the class teacher of 高一(2)班 as well.
func attTwoClasses(c *config.Config) {
	for i := range c.Members {
		if c.Members[i].ID == "teacher-g1c1" {
			c.Members[i].Units = []string{"g1c1", "g1c2"}
		}
	}
}

func newAttApp(t *testing.T, opts ...option) *testApp {
	return newTestApp(t, attThursday, append([]option{attNoRateLimit}, opts...)...)
}

// attAt sends a message at a message time. A message never comes from the
// future (the local hook refuses an "at" after the clock): a later time moves
// the app's clock on to it first.
func (ta *testApp) attAt(from, when, text string) string {
	ta.t.Helper()
	at := attClock(when)
	ta.mu.Lock()
	if at.After(ta.now) {
		ta.now = at
	}
	ta.mu.Unlock()
	return ta.sayAt(from, text, "", at)
}

// attExportRaw fetches the attendance export through the running server.
func (ta *testApp) attExportRaw(period, format string) []byte {
	ta.t.Helper()
	return ta.exportRaw("attendance", period, format)
}

type attExport struct {
	Kind   string `json:"kind"`
	Period string `json:"period"`
	Forms  []struct {
		Unit        string `json:"unit"`
		WindowStart string `json:"window_start"`
		Due         string `json:"due"`
		State       string `json:"state"`
		FirstAt     string `json:"first_at"`
		Entries     []struct {
			ID        string `json:"id"`
			Withdrawn bool   `json:"withdrawn"`
		} `json:"entries"`
	} `json:"forms"`
}

func (ta *testApp) attExported(period string) attExport {
	ta.t.Helper()
	var out attExport
	if err := json.Unmarshal(ta.attExportRaw(period, "json"), &out); err != nil {
		ta.t.Fatal(err)
	}
	return out
}

func (e attExport) form(unit, due string) (state, firstAt string, ids []string, ok bool) {
	for _, f := range e.Forms {
		if f.Unit == unit && f.Due == due {
			for _, en := range f.Entries {
				ids = append(ids, en.ID)
			}
			return f.State, f.FirstAt, ids, true
		}
	}
	return "", "", nil, false
}

// Every attendance row of SPEC §4, typed by the people who would type it.
func TestAttendanceChatLanguage(t *testing.T) {
	ta := newAttApp(t, attTwoClasses)
	cases := []struct {
		from, when, text string
		want             []string
		not              []string
	}{
		{"cadre-g1c1", "2026-11-26 09:00", "考勤 旷课：张三2节，李四一节；晚归：王五；夜不归宿：无",
			[]string{"已收到 A1", "高一(1)班", "11月26日(周四)17:00", "按时", "旷课：张三 2节、李四 1节", "晚归：王五", "更正 A1", "撤回 A1", "已通知班主任（刘老师）"},
			[]string{"夜不归宿："}},
		{"cadre-g1c1", "2026-11-26 09:05", "考勤 无异常", []string{"已收到 A2", "无异常", "本期报表已有 A1"}, nil},
		{"cadre-g1c1", "2026-11-26 09:06", "考勤 全勤", []string{"已收到 A3", "无异常", "A1、A2"}, nil},
		{"cadre-g1c1", "2026-11-26 09:07", "考勤 正常", []string{"已收到 A4", "无异常"}, nil},
		{"cadre-g1c1", "2026-11-26 09:08", "日报 零报告", []string{"已收到 A5", "无异常"}, nil},
		{"cadre-g1c1", "2026-11-26 09:09", "请假 赵六 3节 病假 批准人 刘老师", []string{"已收到 A6", "请假：赵六 3节 病假 批准人刘老师"}, []string{"待补请假条"}},
		{"cadre-g1c1", "2026-11-26 09:10", "擅自离校 孙七 2天", []string{"已收到 A7", "擅自离校：孙七 2天", "联系家长"}, nil},
		{"cadre-g1c1", "2026-11-26 09:11", "考勤 夜不归宿：李四", []string{"已收到 A8", "夜不归宿：李四"}, nil},
		{"cadre-g1c1", "2026-11-26 09:12", "报表 请假：赵六 1天 事假", []string{"已收到 A9", "赵六 1天 事假", "待补请假条"}, nil},
		{"teacher-g1c1", "2026-11-27 09:00", "考勤 高一(2)班 周四 全勤",
			[]string{"已收到 A10", "高一(2)班", "11月26日(周四)17:00", "迟交", "按消息中的日期 2026-11-26"}, nil},
		{"teacher-g1c1", "2026-11-27 09:01", "考勤 全勤", []string{"您负责多个班级", "高一(1)班、高一(2)班"}, []string{"已收到"}},
		{"cadre-g1c1", "2026-11-27 09:02", "更正 A1 旷课：张三3节", []string{"已更正 A1", "第 1 次更正", "旷课：张三 3节"}, nil},
		{"cadre-g1c1", "2026-11-27 09:03", "撤回 #A2", []string{"已撤回 A2", "仍有 A1、A3"}, nil},
		{"teacher-g1c1", "2026-11-27 09:04", "未交", []string{"截至 11月26日(周四)17:00 的报表已全部提交（2 个班）", "11月30日(周一)17:00截止，尚未提交（2/2 个班）"}, nil},
		{"office-1", "2026-11-27 09:05", "谁没交", []string{"未交（2/4 个班）：高二(1)班、高二(2)班"}, nil},
		{"lead-g1", "2026-11-27 09:06", "统计 11月", []string{"2026年11月 日常信息月度汇总", "高一(1)班：报表 按时 1／迟交 0／未交 7／未到期 1",
			"张三：旷课 3 节", "孙七：擅自离校 2 天", "高一：尚未确认"}, []string{"高二"}},
		{"lead-g1", "2026-11-27 09:07", "预警", []string{"暂无达到预警等级的学生"}, nil},
		{"cadre-g1c1", "2026-11-27 09:08", "我的", []string{"A9 考勤 高一(1)班 11月26日(周四)17:00截止：请假：赵六 1天 事假", "A5 考勤"}, nil},
		{"lead-g1", "2026-11-27 09:09", "确认汇总 11月", []string{"2026年11月 尚未结束"}, nil},
		{"lead-g1", "2026-12-02 09:00", "确认汇总", []string{"已确认 2026年11月 高一", "已告知政教处"}, nil},
		{"lead-g1", "2026-12-02 09:01", "确认汇总 11月", []string{"无需重复确认"}, nil},
	}
	for _, c := range cases {
		reply := ta.attAt(c.from, c.when, c.text)
		mustContain(t, reply, c.want...)
		mustNotContain(t, reply, c.not...)
	}
	ta.waitInbox("office-1", "已确认", "高一")
}

func TestAttendanceUnreadableStoresNothing(t *testing.T) {
	ta := newAttApp(t)
	for _, text := range []string{"考勤", "考勤 今天天气不错", "日常信息 ？？？"} {
		reply := ta.attAt("cadre-g1c1", "2026-11-26 09:00", text)
		mustContain(t, reply, "没能读懂这条考勤", "格式示例", "考勤 全勤")
		mustNotContain(t, reply, "已收到")
	}
	mustContain(t, ta.say("cadre-g1c1", "我的"), "还没有记录")
}

func TestAttendanceOnTimeAndLateByMessageTime(t *testing.T) {
	ta := newAttApp(t)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 16:59", "考勤 全勤"), "A1", "11月26日(周四)17:00", "按时")
	mustContain(t, ta.attAt("cadre-g1c2", "2026-11-26 17:00", "考勤 全勤"), "A2", "11月26日(周四)17:00", "按时")
	mustContain(t, ta.attAt("cadre-g2c1", "2026-11-26 17:01", "考勤 全勤"), "A3", "11月26日(周四)17:00", "迟交")
	// A class whose form is in: the next message starts the next form.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 18:00", "考勤 全勤"), "A4", "11月30日(周一)17:00", "按时")
	// Between due days a missing form is completed late, and the reply says the current one is still due.
	mustContain(t, ta.attAt("cadre-g2c2", "2026-11-25 10:00", "考勤 全勤"), "A5", "11月23日(周一)17:00", "迟交", "本期报表（11月26日(周四)17:00截止）请另行报送")

	e := ta.attExported("2026-11")
	if e.Kind != "attendance" || e.Period != "2026-11" {
		t.Errorf("export head %q %q", e.Kind, e.Period)
	}
	due := "2026-11-26T17:00:00+08:00"
	// The clock moved on with the messages to 18:00: g2c2's Thursday form is missing.
	for unit, want := range map[string]string{"g1c1": "on_time", "g1c2": "on_time", "g2c1": "late", "g2c2": "missing"} {
		state, _, _, ok := e.form(unit, due)
		if !ok || state != want {
			t.Errorf("%s %s: %q, want %q", unit, due, state, want)
		}
	}
	// g2c2's only entry went to Monday's form (its message time is earlier than the clock).
	if state, first, ids, _ := e.form("g2c2", "2026-11-23T17:00:00+08:00"); state != "late" || first != "2026-11-25T10:00:00+08:00" || len(ids) != 1 {
		t.Errorf("g2c2 Monday: %s %s %v", state, first, ids)
	}
	if state, _, _, _ := e.form("g1c1", "2026-11-30T17:00:00+08:00"); state != "on_time" {
		t.Errorf("g1c1 next Monday: %s", state)
	}
	if state, _, _, _ := e.form("g1c2", "2026-11-30T17:00:00+08:00"); state != "open" {
		t.Errorf("an open form not yet due: %s", state)
	}
	if state, _, _, _ := e.form("g1c2", "2026-11-19T17:00:00+08:00"); state != "missing" {
		t.Errorf("a past form without entries: %s", state)
	}
}

func TestAttendanceCorrectAndWithdraw(t *testing.T) {
	ta := newAttApp(t)
	ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 旷课：张三2节")
	r := ta.attAt("cadre-g1c1", "2026-11-26 10:05", "考勤 旷课：张三2节")
	mustContain(t, r, "A2", "本期报表已有 A1", "如有重复，可“撤回 编号”")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:06", "撤回 A2"), "已撤回 A2", "仍有 A1")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:07", "撤回 A2"), "A2 已撤回，不能再修改")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:08", "更正 A1 旷课：张三1节；晚归：王五"), "已更正 A1", "旷课：张三 1节", "晚归：王五")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:09", "更正 A1"), "请写出更正后的全部内容")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:09", "更正 S1 无异常"), "S1 不是考勤编号")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:09", "更正 A99 无异常"), "没有找到考勤 A99")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:09", "撤回"), "请写明考勤编号")
	// Other people may not change it; the class teacher and the office may.
	mustContain(t, ta.attAt("cadre-g1c2", "2026-11-26 10:10", "撤回 A1"), "只有报送人、本班班主任或政教处可以修改 A1")
	mustContain(t, ta.attAt("teacher-g1c2", "2026-11-26 10:10", "更正 A1 无异常"), "只有报送人")
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 10:10", "撤回 A1"), "需要班干部、班主任、政教处/办公室身份")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:11", "更正 A1 旷课：张三2节"), "已更正 A1", "第 2 次更正")
	mustContain(t, ta.attAt("office-1", "2026-11-26 10:12", "撤回 A1"), "已撤回 A1", "该期报表现已没有有效记录，请在截止前报送")
	// After the due time, the form whose entries are all withdrawn is missing again.
	mustContain(t, ta.attAt("office-1", "2026-11-26 17:30", "未交"), "11月26日(周四)17:00 的报表未交（4/4 个班）")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 17:30", "我的"), "A2 考勤", "（已撤回）", "A1 考勤 高一(1)班 11月26日(周四)17:00截止：旷课：张三 2节（已撤回）")
	ta.setNow(attClock("2026-11-26 17:30"))
	e := ta.attExported("2026-11")
	for _, f := range e.Forms {
		if f.Unit == "g1c1" && f.Due == "2026-11-26T17:00:00+08:00" {
			if f.State != "missing" || len(f.Entries) != 2 || !f.Entries[0].Withdrawn || !f.Entries[1].Withdrawn || f.FirstAt != "" {
				t.Errorf("withdrawn form: %+v", f)
			}
		}
	}
	hist, err := ta.Store.HistoryOf("A1")
	if err != nil || len(hist) != 4 || hist[3].Action != "withdraw" || hist[3].By != "office-1" || hist[2].By != "teacher-g1c1" {
		t.Errorf("history %+v %v", hist, err)
	}
}

// A class with a roster takes only roster names (SPEC §5.1): a name off the
// roster is asked back with the closest roster name, and nothing is stored.
func TestAttendanceRosterSuggestion(t *testing.T) {
	ta := newAttApp(t)
	r := ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 旷课：张叁2节，李四1节")
	mustContain(t, r, "未记录", "已读懂：旷课：张叁 2节、李四 1节", "名单中没有“张叁”，是否为“张三”？", "重新发送")
	mustNotContain(t, r, "“李四”", "已收到")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:01", "考勤 旷课：张三2节，李四1节"), "已收到 A1")
	r = ta.attAt("cadre-g1c1", "2026-11-26 10:02", "更正 A1 旷课：张三2节，李四1节，钱多多1节")
	mustContain(t, r, "未记录", "名单中没有“钱多多”，请核对姓名")
	mustNotContain(t, r, "已更正")
	// A class without a roster takes any name that looks like one.
	mustContain(t, ta.attAt("cadre-g2c1", "2026-11-26 10:03", "考勤 旷课：钱多多1节"), "已收到 A2", "旷课：钱多多 1节")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:04", "我的"), "A1 考勤 高一(1)班 11月26日(周四)17:00截止：旷课：张三 2节、李四 1节")
}

func TestAttendanceTeacherNotice(t *testing.T) {
	ta := newAttApp(t)
	ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 旷课：张三2节；夜不归宿：李四；晚归：王五；请假：赵六 3节 病假")
	msg := ta.waitInbox("teacher-g1c1", "请及时联系家长")
	mustContain(t, msg, "高一(1)班", "A1", "陈班长", "旷课：张三 2节", "夜不归宿：李四", "待补请假条")
	mustNotContain(t, msg, "王五")
	ta.settle()
	// Nothing notable: no notice; and nobody else hears of it.
	ta.attAt("cadre-g1c1", "2026-11-26 10:05", "考勤 晚归：王五")
	ta.settle()
	if n := len(ta.inbox("teacher-g1c1")); n != 1 {
		t.Errorf("teacher-g1c1 got %d pushes, want 1", n)
	}
	for _, other := range []string{"teacher-g1c2", "lead-g1", "office-1", "cadre-g1c1"} {
		if n := len(ta.inbox(other)); n != 0 {
			t.Errorf("%s got %d pushes", other, n)
		}
	}
}

// attCadresSeeLevels lets the class cadres see the levels in their replies.
func attCadresSeeLevels(c *config.Config) { c.Attendance.CadresSeeLevels = true }

func TestAttendanceThresholdPushesOncePerLevel(t *testing.T) {
	ta := newAttApp(t, attCadresSeeLevels)
	ta.attAt("cadre-g1c1", "2026-11-02 10:00", "考勤 旷课：张三5节")
	ta.attAt("cadre-g1c1", "2026-11-05 10:00", "考勤 旷课：张三2节")
	r := ta.attAt("cadre-g1c1", "2026-11-09 10:00", "考勤 旷课：张三1节")
	mustContain(t, r, "预警：张三 本月旷课累计 8 节，达到“黄牌警示”")
	for _, who := range []string{"teacher-g1c1", "lead-g1", "office-1"} {
		ta.waitInbox(who, "黄牌警示", "张三", "2026年11月旷课累计 8 节")
	}
	// More hours at the same level, a correction below it and back: no second push.
	mustNotContain(t, ta.attAt("cadre-g1c1", "2026-11-12 10:00", "考勤 旷课：张三1节"), "预警")
	ta.attAt("cadre-g1c1", "2026-11-12 10:01", "撤回 A4")
	ta.attAt("cadre-g1c1", "2026-11-12 10:02", "更正 A3 无异常")
	mustContain(t, ta.attAt("lead-g1", "2026-11-12 10:03", "统计"), "张三：旷课 7 节")
	ta.attAt("cadre-g1c1", "2026-11-12 10:04", "更正 A3 旷课：张三1节")
	mustContain(t, ta.attAt("lead-g1", "2026-11-12 10:05", "预警"), "黄牌警示｜高一(1)班 张三：旷课 8 节")
	// An approved leave covers hours of the same form.
	ta.attAt("cadre-g1c1", "2026-11-16 10:00", "考勤 旷课：张三4节；请假：张三 4节 病假 批准人 刘老师")
	mustNotContain(t, ta.attAt("cadre-g1c1", "2026-11-19 10:00", "考勤 旷课：张三3节"), "通报批评")
	r = ta.attAt("cadre-g1c1", "2026-11-23 10:00", "考勤 旷课：张三1节")
	mustContain(t, r, "本月旷课累计 12 节，达到“通报批评”")
	ta.settle()
	for _, who := range []string{"teacher-g1c1", "lead-g1", "office-1"} {
		var yellow, criticize int
		for _, m := range ta.inbox(who) {
			if strings.Contains(m.Text, "张三") && strings.Contains(m.Text, "黄牌警示") {
				yellow++
			}
			if strings.Contains(m.Text, "张三") && strings.Contains(m.Text, "通报批评") {
				criticize++
			}
		}
		if yellow != 1 || criticize != 1 {
			t.Errorf("%s: %d 黄牌警示 and %d 通报批评 pushes, want 1 and 1", who, yellow, criticize)
		}
	}
	if n := len(ta.inbox("lead-g2")); n != 0 {
		t.Errorf("lead-g2 got %d pushes", n)
	}
	// 擅自离校 more than 3 days is 纪律处分 at once.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:00", "擅自离校 孙七 4天"), "孙七 本月擅自离校 4 天，达到“纪律处分”")
	ta.waitInbox("office-1", "孙七", "纪律处分")
}

func TestAttendanceScopeByRole(t *testing.T) {
	ta := newAttApp(t)
	ta.attAt("cadre-g1c2", "2026-11-26 10:00", "考勤 旷课：周八2节")
	ta.attAt("cadre-g2c1", "2026-11-26 10:00", "考勤 旷课：某某1节")
	// A cadre cannot submit for another class, nor see it.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:01", "考勤 高一(2)班 全勤"), "您只能报送本班（高一(1)班）的考勤", "未记录")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:01", "考勤 高一（2）班 旷课：周八1节"), "您只能报送本班")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:02", "统计 高一(2)班"), "无权查看高一(2)班")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:02", "统计 高二"), "无权查看高二")
	own := ta.attAt("cadre-g1c1", "2026-11-26 10:03", "统计")
	mustContain(t, own, "高一(1)班")
	mustNotContain(t, own, "高一(2)班", "周八", "高二")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:03", "未交"), "需要班主任、年级组长、政教处/办公室、系统管理员身份")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:03", "预警"), "需要班主任")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:03", "确认汇总"), "需要年级组长身份")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:04", "我的"), "还没有记录")
	// Someone with no class role may not submit at all.
	mustContain(t, ta.attAt("officer-1", "2026-11-26 10:05", "考勤 全勤"), "需要班干部、班主任身份")
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 10:05", "考勤 全勤"), "需要班干部、班主任身份")
	// A teacher sees their class; a grade lead their grade; the office everything.
	teacher := ta.attAt("teacher-g1c1", "2026-11-26 10:06", "统计")
	mustContain(t, teacher, "高一(1)班")
	mustNotContain(t, teacher, "高一(2)班")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:06", "未交"), "（1/1 个班）")
	lead := ta.attAt("lead-g1", "2026-11-26 10:07", "统计")
	mustContain(t, lead, "高一(1)班", "高一(2)班", "周八")
	mustNotContain(t, lead, "高二", "某某")
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 10:07", "统计 高二(1)班"), "无权查看高二(1)班")
	office := ta.attAt("office-1", "2026-11-26 10:08", "统计 11月")
	mustContain(t, office, "高一(1)班", "高一(2)班", "高二(1)班", "高二(2)班", "周八", "某某")
	mustContain(t, ta.attAt("admin", "2026-11-26 10:08", "未交"), "（4/4 个班）")
	// The refused messages stored nothing.
	e := ta.attExported("2026-11")
	if _, _, ids, _ := e.form("g1c2", "2026-11-26T17:00:00+08:00"); len(ids) != 1 {
		t.Errorf("g1c2 has entries %v", ids)
	}
	if _, _, ids, _ := e.form("g1c1", "2026-11-26T17:00:00+08:00"); len(ids) != 0 {
		t.Errorf("g1c1 has entries %v", ids)
	}
}

// The export's field names are the contract of SPEC §10.1.
func TestAttendanceExportJSONContract(t *testing.T) {
	ta := newAttApp(t)
	ta.attAt("cadre-g1c1", "2026-11-26 16:02", "考勤 旷课：张三2节；晚归：王五；夜不归宿：李四；请假：赵六 3节 病假 批准人 刘老师；擅自离校：孙七 2天")
	var doc map[string]any
	if err := json.Unmarshal(ta.attExportRaw("2026-11", "json"), &doc); err != nil {
		t.Fatal(err)
	}
	mustKeys := func(what string, m map[string]any, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %q: %v", what, k, m)
			}
		}
	}
	mustKeys("export", doc, "kind", "period", "forms", "students")
	if doc["kind"] != "attendance" || doc["period"] != "2026-11" {
		t.Errorf("head %v %v", doc["kind"], doc["period"])
	}
	var form map[string]any
	for _, f := range doc["forms"].([]any) {
		f := f.(map[string]any)
		mustKeys("form", f, "unit", "window_start", "due", "state", "entries")
		if f["unit"] == "g1c1" && f["due"] == "2026-11-26T17:00:00+08:00" {
			form = f
		}
		if f["unit"] == "g2c2" && f["due"] == "2026-11-26T17:00:00+08:00" && (f["state"] != "open" || len(f["entries"].([]any)) != 0) {
			t.Errorf("g2c2 form %v", f)
		}
	}
	if form == nil {
		t.Fatal("no g1c1 form due 2026-11-26 17:00")
	}
	if form["window_start"] != "2026-11-23T17:00:00+08:00" || form["state"] != "on_time" || form["first_at"] != "2026-11-26T16:02:00+08:00" {
		t.Errorf("form %v", form)
	}
	entry := form["entries"].([]any)[0].(map[string]any)
	mustKeys("entry", entry, "id", "submitter", "at", "withdrawn", "items")
	if entry["id"] != "A1" || entry["submitter"] != "cadre-g1c1" || entry["at"] != "2026-11-26T16:02:00+08:00" || entry["withdrawn"] != false {
		t.Errorf("entry %v", entry)
	}
	got, _ := json.Marshal(entry["items"])
	want := `[{"hours":2,"student":"张三","type":"旷课"},{"student":"王五","type":"晚归"},{"student":"李四","type":"夜不归宿"},` +
		`{"approver":"刘老师","hours":3,"reason":"病假","student":"赵六","type":"请假"},{"days":2,"student":"孙七","type":"擅自离校"}]`
	if string(got) != want {
		t.Errorf("items\n got %s\nwant %s", got, want)
	}
	students := map[string]map[string]any{}
	for _, s := range doc["students"].([]any) {
		s := s.(map[string]any)
		mustKeys("student", s, "unit", "student", "absent_hours", "nights_away", "days_left", "leave_hours", "level")
		students[s["student"].(string)] = s
	}
	if s := students["张三"]; s["unit"] != "g1c1" || s["absent_hours"] != 2.0 || s["level"] != "" {
		t.Errorf("张三 %v", s)
	}
	if students["李四"]["nights_away"] != 1.0 || students["孙七"]["days_left"] != 2.0 || students["赵六"]["leave_hours"] != 3.0 {
		t.Errorf("students %v", students)
	}
	// Bad requests are refused with 400.
	for _, q := range []string{"what=nothing&period=2026-11", "what=attendance&period=11月", "what=attendance&period=2026-11&format=pdf"} {
		resp, err := http.Get(ta.srv.URL + "/api/export?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d", q, resp.StatusCode)
		}
	}
}

// The workbook, opened again with excelize, checked cell by cell.
func TestAttendanceExportXLSX(t *testing.T) {
	ta := newAttApp(t)
	ta.attAt("cadre-g1c1", "2026-11-26 16:02", "考勤 旷课：张三2节；请假：赵六 3节 病假")
	ta.attAt("cadre-g1c1", "2026-11-26 16:03", "考勤 旷课：张三9节")
	ta.attAt("cadre-g2c2", "2026-11-26 18:00", "考勤 夜不归宿：钱二")
	f, err := excelize.OpenReader(bytes.NewReader(ta.attExportRaw("2026-11", "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "总览,高一,高二,报表明细" {
		t.Fatalf("sheets %s", got)
	}
	cell := func(sheet, at, want string) {
		t.Helper()
		got, err := f.GetCellValue(sheet, at)
		if err != nil || got != want {
			t.Errorf("%s!%s = %q (%v), want %q", sheet, at, got, err, want)
		}
	}
	cell("总览", "A1", "示例中学 日常信息月度汇总表（2026年11月）")
	for i, h := range []string{"年级", "班级", "应交", "按时", "迟交", "未交", "未到期", "有记录学生", "黄牌警示", "通报批评", "纪律处分", "年级确认"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell("总览", col+"2", h)
	}
	// 高一(1)班 at 11-26 18:00 (the clock moved on with the messages): 9 forms (on time 1, missing 7, open 1),
	// 2 students, one at 黄牌警示 (11 hours); the classes without Thursday's form now miss 8.
	for i, v := range []string{"高一", "高一(1)班", "9", "1", "0", "7", "1", "2", "1", "0", "0", "未确认"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell("总览", col+"3", v)
	}
	for i, v := range []string{"高二", "高二(2)班", "9", "0", "1", "7", "1", "1", "0", "0", "0", "未确认"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell("总览", col+"6", v)
	}
	cell("总览", "A7", "合计")
	cell("总览", "C7", "36")
	cell("总览", "F7", "30")
	cell("高一", "A1", "高一 日常信息月度汇总（2026年11月）")
	for i, h := range []string{"班级", "学生", "旷课(节)", "请假抵扣(节)", "计入旷课(节)", "夜不归宿(次)", "擅自离校(天)", "晚归(次)", "请假(节)", "请假(天)", "待补请假条", "处理等级"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell("高一", col+"2", h)
	}
	for i, v := range []string{"高一(1)班", "张三", "11", "0", "11", "0", "0", "0", "0", "0", "0", "黄牌警示"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell("高一", col+"3", v)
	}
	for i, v := range []string{"高一(1)班", "赵六", "0", "0", "0", "0", "0", "0", "3", "0", "1", ""} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell("高一", col+"4", v)
	}
	cell("高一", "A5", "高一(2)班")
	cell("高一", "B5", "（无缺勤记录）")
	cell("高二", "B4", "钱二")
	cell("高二", "F4", "1")
	cell("报表明细", "A2", "年级")
	cell("报表明细", "H2", "内容")
	// Forms by class then due: g1c1's 8th form is due 11-26.
	cell("报表明细", "D10", "2026-11-26 17:00")
	cell("报表明细", "C10", "2026-11-23 17:00")
	cell("报表明细", "E10", "按时")
	cell("报表明细", "F10", "2026-11-26 16:02")
	cell("报表明细", "G2", "条目（报送人）")
	cell("报表明细", "G10", "A1 陈班长、A2 陈班长")
	cell("报表明细", "H10", "旷课：张三 2节、张三 9节；请假：赵六 3节 病假 （待补请假条）")
	for _, sheet := range []string{"总览", "高一", "报表明细"} {
		if w, err := f.GetColWidth(sheet, "B"); err != nil || w < 10 {
			t.Errorf("%s column B width %v %v", sheet, w, err)
		}
	}
	csv := string(ta.attExportRaw("2026-11", "csv"))
	mustContain(t, csv, "\ufeff年级,班级,应交,按时", "高一,高一(1)班,9,1,0,7,1,张三,11,0,11,0,0,0,0,0,0,黄牌警示", "高一,高一(2)班,9,0,0,8,1\n", "高二,高二(2)班,9,0,1,7,1,钱二,0,0,0,1,")
}

// The office opens the year's archive: its 考勤记录 sheet is the attendance
// workbook's 报表明细 over the year, so it names the class, the cadre who
// reported and the teacher who followed up, never a member or unit id; the
// archive's JSON still has the entries exactly as stored.
func TestArchiveAttendanceSheetNamesPeople(t *testing.T) {
	ta := newAttApp(t)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 旷课：张三2节"), "已收到 A1")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:05", "查明 A1 张三 发烧在家"), "已记录 A1 张三")

	f, err := excelize.OpenReader(bytes.NewReader(ta.exportRaw("archive", "2026", "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("考勤记录")
	if err != nil || len(rows) < 3 {
		t.Fatalf("考勤记录: %d rows %v", len(rows), err)
	}
	mustContain(t, rows[0][0], "示例中学 考勤记录（2026年）")
	head := rows[1]
	col := func(r []string, name string) string {
		i := slices.Index(head, name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, head)
		}
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	var a1 []string
	for _, r := range rows[2:] {
		if strings.Contains(col(r, "条目（报送人）"), "A1") {
			a1 = r
		}
	}
	if a1 == nil {
		t.Fatalf("no row holds A1:\n%v", rows)
	}
	if col(a1, "年级") != "高一" || col(a1, "班级") != "高一(1)班" || col(a1, "截止时间") != "2026-11-26 17:00" ||
		col(a1, "状态") != "按时" || col(a1, "条目（报送人）") != "A1 陈班长" {
		t.Errorf("A1 row %v", a1)
	}
	mustContain(t, col(a1, "内容"), "旷课：张三 2节")
	mustContain(t, col(a1, "缺勤原因"), "A1 张三 已查明：发烧在家（刘老师 11-26 10:05）")
	for _, r := range rows {
		for _, c := range r {
			for _, id := range []string{"cadre-", "teacher-", "g1c1", "submitter", "unit"} {
				if strings.Contains(c, id) {
					t.Errorf("a cell shows %q: %q", id, c)
				}
			}
		}
	}
	if panes, err := f.GetPanes("考勤记录"); err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("考勤记录 header not frozen: %+v %v", panes, err)
	}
	for c, min := range map[string]float64{"B": 12, "G": 20, "H": 40} {
		if w, err := f.GetColWidth("考勤记录", c); err != nil || w < min {
			t.Errorf("考勤记录 column %s width %v %v, want ≥ %v", c, w, err, min)
		}
	}

	var dump struct {
		Attendance []json.RawMessage `json:"attendance"`
	}
	ta.exportOf("archive", "2026", &dump)
	stored, err := ta.Store.Records("A")
	if err != nil || len(stored) != 1 || len(dump.Attendance) != 1 {
		t.Fatalf("stored %d (%v), archived %d", len(stored), err, len(dump.Attendance))
	}
	var got, want bytes.Buffer
	if json.Compact(&got, dump.Attendance[0]) != nil || json.Compact(&want, stored[0]) != nil || got.String() != want.String() {
		t.Errorf("archive JSON entry\n%s\nstored\n%s", got.String(), want.String())
	}
	mustContain(t, got.String(), `"submitter":"cadre-g1c1"`)
}

// A platform retry of the same message id stores one entry and sends one notice.
func TestAttendanceRetriedMessageStoresOnce(t *testing.T) {
	ta := newAttApp(t)
	at := attClock("2026-11-26 10:00")
	first := ta.sayAt("cadre-g1c1", "考勤 旷课：张三2节", "wx-1", at)
	second := ta.sayAt("cadre-g1c1", "考勤 旷课：张三2节", "wx-1", at)
	if first != second || !strings.Contains(first, "已收到 A1") {
		t.Fatalf("replies:\n%s\n---\n%s", first, second)
	}
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:01", "考勤 全勤"), "已收到 A2", "本期报表已有 A1，")
	ta.settle()
	if n := len(ta.inbox("teacher-g1c1")); n != 1 {
		t.Errorf("teacher got %d notices", n)
	}
}
