package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/desk"
)

// exportOf fetches an export through the running server into out.
func (ta *testApp) exportOf(what, period string, out any) {
	ta.t.Helper()
	body := ta.exportRaw(what, period, "json")
	if err := json.Unmarshal(body, out); err != nil {
		ta.t.Fatalf("export %s: %v\n%s", what, err, body)
	}
}

// weeklyOf reads the weekly reports straight from the store.
func weeklyOf(t *testing.T, ta *testApp) []*desk.Weekly {
	t.Helper()
	var out []*desk.Weekly
	err := ta.Store.ViewDesk(func(tx desk.Tx) error {
		var err error
		out, err = tx.Weeklies()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type weeklyExport struct {
	Reports []struct {
		ID, Unit, Week string
		Late           bool
	} `json:"reports"`
	Missing []struct {
		Week, Unit string
	} `json:"missing"`
}

// Issue 14 item 1 (篇8), the observation as it happened: Monday 2 November,
// the 09:00 reminder asks for the week of 26 October; 办公室's officer
// reports at 10:00, before the noon deadline, while no department ever
// reported an earlier week. The report is that week's, on time; the 12:05
// overdue list names only 政教处, and the export says the same.
func TestWeeklyReportIsForTheWeekTheReminderNames(t *testing.T) {
	ta := newTestApp(t, time.Date(2026, 11, 2, 8, 59, 0, 0, cst))
	ta.setNow(time.Date(2026, 11, 2, 9, 0, 1, 0, cst))
	ta.waitInbox("officer-2", "周报提醒", "办公室10月26日—11月1日这一周", "11月2日（周一） 12:00")

	ta.setNow(time.Date(2026, 11, 2, 10, 0, 0, 0, cst))
	r := ta.say("officer-2", "周报 上周大事：召开期中考试工作会，完成校舍安全检查；出勤：全勤")
	mustContain(t, r, "已收到周报 W1：办公室 10月26日—11月1日这一周，按时（截止 11月2日（周一） 12:00）")
	mustNotContain(t, r, "逾期", "10月19日")
	ws := weeklyOf(t, ta)
	if len(ws) != 1 || ws[0].Week != "2026-10-26" || ws[0].Late || !ws[0].Due.Equal(time.Date(2026, 11, 2, 12, 0, 0, 0, cst)) {
		t.Fatalf("stored %+v", ws[0])
	}

	ta.setNow(time.Date(2026, 11, 2, 12, 5, 1, 0, cst))
	office := ta.waitInbox("office-1", "周报逾期", "10月26日—11月1日这一周")
	mustContain(t, office, "以下部门仍未报送：政教处。")
	mustNotContain(t, office, "办公室")
	ta.waitInbox("officer-1", "周报逾期")
	ta.settle()
	if n := ta.pushes("officer-2", "周报逾期"); n != 0 {
		t.Errorf("officer-2 reported on time and was chased: %v", texts(ta.inbox("officer-2")))
	}

	// The export of November (the reports due in it) agrees with the list:
	// 办公室 on time, 政教处 missing, nothing else.
	ta.setNow(time.Date(2026, 11, 2, 12, 6, 0, 0, cst))
	var x weeklyExport
	ta.exportOf("weekly", "2026-11", &x)
	if len(x.Reports) != 1 || x.Reports[0].ID != "W1" || x.Reports[0].Week != "2026-10-26" || x.Reports[0].Late {
		t.Errorf("export reports = %+v", x.Reports)
	}
	if len(x.Missing) != 1 || x.Missing[0].Unit != "office" || x.Missing[0].Week != "2026-10-26" {
		t.Errorf("export missing = %+v, want 政教处 (office) for 2026-10-26 only", x.Missing)
	}

	// 政教处 reports on Tuesday: that completes the missed week, late; a
	// second report that day is early for the week under way.
	ta.setNow(time.Date(2026, 11, 3, 9, 30, 0, 0, cst))
	mustContain(t, ta.say("officer-1", "周报 上周大事：开展宿舍安全检查；出勤：李老师病假1天"),
		"已收到周报 W2：政教处 10月26日—11月1日这一周，逾期补报（截止 11月2日（周一） 12:00）")
	mustContain(t, ta.say("officer-1", "周报 补充：本周大事"), "W3：政教处 11月2日—11月8日这一周，按时（截止 11月9日（周一） 12:00）")
	ta.exportOf("weekly", "2026-11", &x)
	if len(x.Missing) != 0 {
		t.Errorf("after 补报 export missing = %+v", x.Missing)
	}
	mustContain(t, ta.say("officer-2", "我的"), "W1 周报 10月26日—11月1日这一周（11-02 10:00）")

	// Sunday evening, the week before reported: the report is the one due
	// the next morning.
	ta.setNow(time.Date(2026, 11, 8, 20, 30, 0, 0, cst))
	mustContain(t, ta.say("officer-2", "周报 上周大事：无；出勤：全勤"), "W4：办公室 11月2日—11月8日这一周，按时")
}

// Issue 14 item 8: the office role sits in 政教处, while 办公室 is the
// department of the head who approves. Replies and pushes name where an item
// really went (政教处), never 办公室.
func TestRepliesNameTheUnitWhereTheOfficeSits(t *testing.T) {
	ta := newTestApp(t, at(11, 10, 9, 0))
	ta.say("officer-2", fullItem)
	r := ta.say("head-general", "通过 S1")
	mustContain(t, r, "已通过 S1《我局开展防汛应急演练》，已转政教处采用。", "已通知：政教处郑主任、孙敏")
	mustNotContain(t, r, "转办公室")
	ta.waitInbox("officer-2", "S1", "已由周强审核通过，已转政教处。")
	mustContain(t, ta.say("leader-1", "退回 S1 再议"), "这一步应由政教处处理")

	r = ta.say("officer-1", "投稿 标题：政教处开展宿舍安全检查 正文：共检查宿舍120间。 撰稿：马丽 审核：郑主任")
	mustContain(t, r, "政教处未设单位负责人，已直接报送政教处")
	mustContain(t, ta.say("office-1", "稿件 S2"), "直送：单位未设负责人，直接报送政教处")

	r = ta.say("cadre-g1c1", "好人好事 高一(1)班李四扶摔倒的同学去医务室")
	mustContain(t, r, "已收到好人好事 G1（高一(1)班），已报政教处：政教处郑主任。")
	r = ta.say("officer-2", "媒体汇总 11月")
	mustContain(t, r, "已转政教处：政教处郑主任")
	for _, who := range []string{"head-general", "officer-2", "officer-1", "cadre-g1c1", "leader-1"} {
		for _, m := range ta.inbox(who) {
			mustNotContain(t, m.Text, "转办公室", "报送办公室")
		}
	}
}

// Issue 14 item 4 (篇11 (三), SPEC §5.3): the monthly summary on the 1st
// lists the month's good deeds per class — the office's all of them (and
// those of departments), a grade lead's those of the grade.
func TestMonthlySummaryListsGoodDeedsPerClass(t *testing.T) {
	ta := newTestApp(t, at(10, 30, 10, 0))
	ta.say("cadre-g1c2", "好人好事 高一(2)班周八帮助同学补课") // October: not November's
	ta.setNow(at(11, 5, 10, 0))
	mustContain(t, ta.say("cadre-g1c1", "好人好事 高一(1)班张三拾金不昧，主动上交钱包"), "G2（高一(1)班）")
	ta.setNow(at(11, 12, 16, 0))
	mustContain(t, ta.say("teacher-g2c1", "好人好事 高二(1)班王同学雨中护送低年级同学回家"), "G3（高二(1)班）")
	ta.setNow(at(11, 20, 9, 0))
	ta.say("teacher-g1c1", "好人好事 高一(1)班李四扶摔倒的同学去医务室")
	ta.say("officer-2", "好人好事 门卫刘师傅深夜巡查发现并扑灭垃圾桶火情")

	ta.setNow(time.Date(2026, 12, 1, 8, 0, 1, 0, cst))
	office := ta.waitInbox("office-1", "月度汇总", "2026年11月", "好人好事")
	mustContain(t, office, "好人好事（4 件，请表彰）：",
		"高一(1)班 2 件：G2 高一(1)班张三拾金不昧，主动上交钱包（", "G4 高一(1)班李四扶摔倒的同学去医务室（",
		"高二(1)班 1 件：G3 高二(1)班王同学雨中护送低年级同学回家（", "办公室 1 件：G5 门卫刘师傅深夜巡查发现并扑灭垃圾桶火情（孙敏报，11-20）")
	mustNotContain(t, office, "周八帮助同学补课")
	lead := ta.waitInbox("lead-g1", "月度汇总", "2026年11月")
	mustContain(t, lead, "好人好事（2 件，请表彰）：", "高一(1)班 2 件：G2")
	mustNotContain(t, lead, "高二(1)班王同学", "门卫刘师傅")
	ta.waitInbox("lead-g2", "月度汇总", "高二(1)班 1 件：G3")
}

type statExport struct {
	Items []struct {
		ID           string     `json:"id"`
		StatState    string     `json:"stat_state"`
		DataAt       *time.Time `json:"data_at"`
		StatDue      *time.Time `json:"stat_due"`
		Late         bool       `json:"late"`
		CountedMonth string     `json:"counted_month"`
	} `json:"items"`
}

func (x statExport) state(id string) string {
	for _, it := range x.Items {
		if it.ID == id {
			return it.StatState
		}
	}
	return "absent"
}

// Issue 14 item 2 (篇7 四: within 24 hours of the data): a 统计 item carries
// its 数据时间 (or the message time), is due at the office 24 hours later,
// its holder is reminded at 18 hours, the office is told at 24 hours, and
// the item records whether it arrived on time.
func TestStatisticsItemWithin24HoursOfItsData(t *testing.T) {
	ta := newTestApp(t, time.Date(2026, 11, 3, 10, 0, 0, 0, cst))

	// Mistakes first: a 数据时间 without an hour, or still to come, is
	// refused and nothing is stored.
	mustContain(t, ta.say("officer-2", "统计信息 标题：10月规上工业产值快报 数据时间：11月3日 正文：同比增长5.2%。 撰稿：孙敏 审核：周强"),
		"数据时间“11月3日”无法识别", "未保存")
	mustContain(t, ta.say("officer-2", "统计信息 标题：10月规上工业产值快报 数据时间：11月5日9时 正文：同比增长5.2%。 撰稿：孙敏 审核：周强"),
		"晚于报送时间", "未保存")
	if arts, _ := ta.Store.Records("S"); len(arts) != 0 {
		t.Fatalf("refused items were stored: %d", len(arts))
	}

	// 办公室 has a head: the item waits for 周强.
	r := ta.say("officer-2", "统计信息\n标题：10月规上工业产值快报\n数据时间：11月3日9时\n正文：10月全区规上工业产值同比增长5.2%。\n撰稿：孙敏  审核：周强")
	mustContain(t, r, "已收到信息 S1，已提交，待周强审核", "类别：统计",
		"统计信息：数据时间 11月3日（周二） 09:00，须在 24 小时内（11月4日（周三） 09:00 前）报到政教处，目前未到。")
	a := article(t, ta, "S1")
	if a.Category != "统计" || !a.DataAt.Equal(time.Date(2026, 11, 3, 9, 0, 0, 0, cst)) ||
		!a.StatDue.Equal(time.Date(2026, 11, 4, 9, 0, 0, 0, cst)) {
		t.Fatalf("S1 = %+v", a)
	}
	var x statExport
	if ta.exportOf("submissions", "2026-11", &x); x.state("S1") != "pending" {
		t.Errorf("export S1 = %q", x.state("S1"))
	}
	// 政教处 has none: 类别：统计 without a 数据时间 counts from the message
	// and arrives at once, on time.
	ta.setNow(time.Date(2026, 11, 3, 10, 30, 0, 0, cst))
	r = ta.say("officer-1", "投稿 标题：11月第一周在校生人数 类别：统计 正文：在校生1520人。 撰稿：马丽 审核：郑主任")
	mustContain(t, r, "S2", "数据时间 11月3日（周二） 10:30", "已按时报到（11-03 10:30）")
	if ta.exportOf("submissions", "2026-11", &x); x.state("S2") != "on_time" {
		t.Errorf("export S2 = %q", x.state("S2"))
	}

	// 18 hours after the data is 03:00: nobody is pushed in the night. At
	// 07:30, still before the due time, the holder (周强, reviewing) and
	// the submitter are reminded, once.
	ta.setNow(time.Date(2026, 11, 4, 3, 0, 1, 0, cst))
	ta.waitClock(time.Date(2026, 11, 4, 3, 0, 0, 0, cst))
	if n := ta.pushes("head-general", "统计信息时效提醒") + ta.pushes("officer-2", "统计信息时效提醒"); n != 0 {
		t.Errorf("reminded at 03:00: %v", texts(ta.inbox("head-general")))
	}
	ta.setNow(time.Date(2026, 11, 4, 7, 30, 1, 0, cst))
	head := ta.waitInbox("head-general", "统计信息时效提醒", "S1《10月规上工业产值快报》")
	mustContain(t, head, "11月4日（周三） 09:00 前报到政教处（还剩 1 小时 30 分）", "待单位负责人审核")
	ta.waitInbox("officer-2", "统计信息时效提醒", "S1")
	ta.setNow(time.Date(2026, 11, 4, 7, 40, 1, 0, cst))
	ta.waitClock(time.Date(2026, 11, 4, 7, 40, 0, 0, cst))
	ta.settle()
	if n := ta.pushes("head-general", "统计信息时效提醒"); n != 1 {
		t.Errorf("head reminded %d times", n)
	}
	if n := ta.pushes("officer-1", "统计信息"); n != 0 {
		t.Errorf("S2 arrived on time and its officer was chased: %v", texts(ta.inbox("officer-1")))
	}
	if n := ta.pushes("office-1", "统计信息逾期"); n != 0 {
		t.Errorf("office told before the due time")
	}

	// 24 hours: the office is told; the export says overdue.
	ta.setNow(time.Date(2026, 11, 4, 9, 0, 1, 0, cst))
	office := ta.waitInbox("office-1", "统计信息逾期", "S1《10月规上工业产值快报》（办公室 孙敏）")
	mustContain(t, office, "已超过 24 小时时效（截止 11月4日（周三） 09:00）", "待单位负责人审核")
	mustNotContain(t, office, "S2")
	ta.exportOf("submissions", "2026-11", &x)
	if x.state("S1") != "overdue" || x.state("S2") != "on_time" {
		t.Errorf("export states S1 %q S2 %q", x.state("S1"), x.state("S2"))
	}

	// 周强 approves at 09:30: the item arrives 30 minutes late, for good.
	ta.setNow(time.Date(2026, 11, 4, 9, 30, 0, 0, cst))
	mustContain(t, ta.say("head-general", "通过 S1"), "已转政教处采用", "逾期报到（11-04 09:30，超时 30 分钟）")
	ta.exportOf("submissions", "2026-11", &x)
	if x.state("S1") != "late" {
		t.Errorf("export S1 after 通过 = %q", x.state("S1"))
	}
	for _, it := range x.Items {
		if it.ID == "S1" && (it.DataAt == nil || it.StatDue == nil || it.Late || it.CountedMonth != "2026-11") {
			t.Errorf("export S1 = %+v", it)
		}
	}
	mustContain(t, ta.say("office-1", "稿件 S1"), "逾期报到")
	csv := string(ta.exportRaw("submissions", "2026-11", "csv"))
	mustContain(t, csv, "数据时间,统计时效", "2026-11-03 09:00,逾期报到", "2026-11-03 10:30,按时")
}

// Data that came out at 06:00 would be reminded at midnight, and the next
// morning is past its due time (06:00): the reminder goes at 22:00 the
// evening before, not at midnight, and not at all if that evening's slot
// passed before the item was sent (it was sent at 23:00: no push in the
// night, the office learns of it when overdue).
func TestStatisticsReminderGoesTheEveningBefore(t *testing.T) {
	ta := newTestApp(t, time.Date(2026, 11, 3, 10, 0, 0, 0, cst))
	mustContain(t, ta.say("officer-2", "统计信息 标题：早间客流快报 数据时间：11月3日6时 正文：客流平稳。 撰稿：孙敏 审核：周强"),
		"已收到信息 S1", "11月4日（周三） 06:00 前")
	ta.setNow(time.Date(2026, 11, 3, 21, 59, 1, 0, cst))
	ta.waitClock(time.Date(2026, 11, 3, 21, 59, 0, 0, cst))
	if n := ta.pushes("head-general", "统计信息时效提醒"); n != 0 {
		t.Errorf("reminded before 22:00: %v", texts(ta.inbox("head-general")))
	}
	ta.setNow(time.Date(2026, 11, 3, 22, 0, 1, 0, cst))
	head := ta.waitInbox("head-general", "统计信息时效提醒", "S1《早间客流快报》")
	mustContain(t, head, "数据时间 11月3日（周二） 06:00", "11月4日（周三） 06:00 前报到政教处（还剩 8 小时）")
	ta.waitInbox("officer-2", "统计信息时效提醒", "S1")

	// Sent at 23:00 with data of 07:00: its slot (22:00) has passed and
	// the night is no time for a push; it is overdue at 07:00.
	ta.setNow(time.Date(2026, 11, 3, 23, 0, 0, 0, cst))
	mustContain(t, ta.say("officer-2", "统计信息 标题：早间用电快报 数据时间：11月3日7时 正文：用电平稳。 撰稿：孙敏 审核：周强"),
		"已收到信息 S2", "11月4日（周三） 07:00 前")
	for _, night := range []time.Time{time.Date(2026, 11, 3, 23, 1, 0, 0, cst), time.Date(2026, 11, 4, 1, 0, 0, 0, cst),
		time.Date(2026, 11, 4, 5, 0, 0, 0, cst)} {
		ta.setNow(night.Add(time.Second))
		ta.waitClock(night)
	}
	ta.setNow(time.Date(2026, 11, 4, 7, 0, 1, 0, cst))
	ta.waitInbox("office-1", "统计信息逾期", "S2《早间用电快报》")
	for _, who := range []string{"head-general", "officer-2"} {
		if n := ta.pushes(who, "统计信息时效提醒", "S2"); n != 0 {
			t.Errorf("%s reminded of S2 in the night: %v", who, texts(ta.inbox(who)))
		}
	}
	if a := article(t, ta, "S2"); a.Status != desk.Submitted || a.StatDue == nil || !a.StatDue.Equal(time.Date(2026, 11, 4, 7, 0, 0, 0, cst)) {
		t.Errorf("S2 = %+v", a)
	}
}

// A statistics item sent when its 24 hours have already passed: the reply
// says so, the office is told at once, and nobody gets a pointless reminder.
func TestStatisticsItemSentAfterItsDay(t *testing.T) {
	ta := newTestApp(t, time.Date(2026, 11, 4, 10, 0, 0, 0, cst))
	r := ta.say("officer-2", "统计信息 标题：三季度财政收入快报 数据时间：昨天8时 正文：同比增长3.1%。 撰稿：孙敏 审核：周强")
	mustContain(t, r, "S1", "数据时间 11月3日（周二） 08:00", "11月4日（周三） 08:00 前", "已逾期，请尽快报送。")
	ta.setNow(time.Date(2026, 11, 4, 10, 1, 1, 0, cst))
	ta.waitInbox("office-1", "统计信息逾期", "S1《三季度财政收入快报》")
	ta.waitClock(time.Date(2026, 11, 4, 10, 1, 0, 0, cst))
	for _, who := range []string{"officer-2", "head-general"} {
		if n := ta.pushes(who, "统计信息时效提醒"); n != 0 {
			t.Errorf("%s reminded after the due time: %v", who, texts(ta.inbox(who)))
		}
	}
	// Where it stands is derived from its times when asked, not stored
	// (a stored "pending" would go stale as the clock passes the due time).
	var x statExport
	if ta.exportOf("submissions", "2026-11", &x); x.state("S1") != "overdue" {
		t.Errorf("export S1 = %q", x.state("S1"))
	}
	if raws, err := ta.Store.Records("S"); err != nil || len(raws) != 1 || strings.Contains(string(raws[0]), "stat_state") {
		t.Errorf("stored S1 (%v): %s", err, raws)
	}
}
