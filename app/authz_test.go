package app_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
)

// The authorization matrix (SPEC §1, §11): every intent × every demo role
// and a stranger, through the real app. Each row starts a fresh app and
// creates one target record per member (member i acts on target i), so an
// allowed cell never spoils the next one. Every cell checks the reply and
// compares a snapshot of the store before and after: a refusal changes
// nothing (no record, no history entry, no push), a query changes nothing,
// an allowed change changes something.

var authzNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)) // a Thursday

// authzMembers are the matrix's columns: the demo roles, then a stranger.
var authzMembers = []string{"cadre-g1c1", "teacher-g1c1", "lead-g1", "office-1", "officer-1", "officer-2",
	"head-general", "leader-1", "admin", "stranger"}

type authzVerdict int

const (
	authzWrites  authzVerdict = iota + 1 // allowed: the records change
	authzReads                           // allowed: a query, nothing changes
	authzRole                            // refused naming the roles needed; nothing changes
	authzScope                           // refused for this record or scope; nothing changes
	authzUnknown                         // not in the directory: one polite refusal; nothing changes
)

var authzVerdictNames = map[authzVerdict]string{authzWrites: "allowed (writes)", authzReads: "allowed (reads)",
	authzRole: "refused (role)", authzScope: "refused (scope)", authzUnknown: "refused (unknown member)"}

// authzCell is the expected outcome of one member's message.
type authzCell struct {
	verdict authzVerdict
	says    string // a part of the reply
}

func writes(says string) authzCell { return authzCell{authzWrites, says} }
func reads(says string) authzCell  { return authzCell{authzReads, says} }
func denied(says string) authzCell { return authzCell{authzScope, says} }

// everyone gives every demo member the same cell.
func everyone(c authzCell) map[string]authzCell {
	out := map[string]authzCell{}
	for _, m := range authzMembers[:len(authzMembers)-1] {
		out[m] = c
	}
	return out
}

// authzRow is one intent.
type authzRow struct {
	intent string
	setup  func(t *testing.T, ta *testApp) // creates the targets: target i for authzMembers[i-1]
	text   func(i int) string              // member i's message
	need   string                          // the roles a refusal names ("" when every member may)
	cells  map[string]authzCell            // a demo member not listed is refused naming need
}

func (r authzRow) cell(member string) authzCell {
	if member == "stranger" {
		return authzCell{authzUnknown, "您尚未登记，请联系管理员"}
	}
	if c, ok := r.cells[member]; ok {
		return c
	}
	return authzCell{authzRole, "需要" + r.need + "身份"}
}

func same(text string) func(int) string { return func(int) string { return text } }

func withID(format string) func(int) string {
	return func(i int) string { return fmt.Sprintf(format, i) }
}

// quiet lets the matrix speak freely and alone: no flood limit, and no
// scheduled job that could queue a reminder between two snapshots.
func quiet(c *config.Config) {
	c.Server.RatePerMinute = 0
	c.Schedule.Off = c.ScheduleJobs()
}

// Setups: one target per matrix column, numbered from 1.

func authzEntries(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		mustContain(t, ta.say("cadre-g1c1", "考勤 旷课：张三1节"), fmt.Sprintf("已收到 A%d", i+1))
	}
}

func authzLeaves(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		mustContain(t, ta.say("cadre-g1c1", "考勤 请假：赵六 1节 病假"), fmt.Sprintf("已收到 A%d", i+1), "待补请假条")
	}
}

func authzConfirmed(t *testing.T, ta *testApp) {
	mustContain(t, ta.say("lead-g1", "确认汇总 10月"), "已确认 2026年10月 高一")
}

func authzDrafts(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		r := ta.say("officer-1", fmt.Sprintf("投稿 标题：政教处工作动态%d 类别：动态 正文：本周开展宿舍安全检查。", i+1))
		mustContain(t, r, fmt.Sprintf("已收到信息 S%d", i+1), "草稿")
	}
}

func authzSubmitted(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		r := ta.say("officer-2", fmt.Sprintf("投稿 标题：办公室工作动态%d 类别：动态 正文：召开安全工作会。 撰稿：孙敏 审核：周强", i+1))
		mustContain(t, r, fmt.Sprintf("已收到信息 S%d", i+1), "待周强审核")
	}
}

func authzApproved(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		r := ta.say("officer-1", fmt.Sprintf("投稿 标题：政教处工作动态%d 类别：动态 正文：检查宿舍120间。 撰稿：马丽 审核：郑主任", i+1))
		mustContain(t, r, fmt.Sprintf("已收到信息 S%d", i+1), "直接报送政教处")
	}
}

func authzAdopted(t *testing.T, ta *testApp) {
	authzApproved(t, ta)
	for i := range authzMembers {
		mustContain(t, ta.say("office-1", fmt.Sprintf("采用 S%d 县级", i+1)), "已登记")
	}
}

func authzOutings(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		mustContain(t, ta.say("office-1", "外出 高一(1)班 12月10日 参观科技馆"), fmt.Sprintf("已登记外出活动 O%d", i+1))
	}
}

const authzIncidentText = "急报 高一(1)班一名学生课间在操场摔倒，膝盖擦伤，已送校医室处理"

func authzIncidents(t *testing.T, ta *testApp) {
	for i := range authzMembers {
		mustContain(t, ta.say("teacher-g1c1", authzIncidentText), fmt.Sprintf("已收到急报 E%d", i+1))
	}
}

// The role names of the refusals, in the order the handlers list them.
const (
	needSubmit    = "班干部、班主任"
	needChange    = "班干部、班主任、政教处/办公室"
	needView      = "班主任、年级组长、政教处/办公室、系统管理员"
	needExplain   = "班主任、政教处/办公室、系统管理员"
	needInvolved  = "信息员、单位负责人、政教处/办公室、分管领导"
	needReporters = "班主任、信息员、政教处/办公室、分管领导、班干部" // [incident] reporters of the demo
	needFollowers = needReporters + "、单位负责人"
)

func authzRows() []authzRow {
	return []authzRow{
		{intent: "帮助", text: same("帮助"), cells: everyone(reads("您可以发送"))},
		{intent: "我的", text: same("我的"), cells: everyone(reads("记录"))},
		{intent: "看板", text: same("看板"), cells: everyone(reads("/login?t="))},
		{intent: "(不认识的话)", text: same("今天天气不错"), cells: everyone(reads("没看懂"))},

		// Attendance (SPEC §1: cadres and teachers submit for their class;
		// the submitter, the class teacher or the office change an entry).
		{intent: "考勤", text: same("考勤 全勤"), need: needSubmit, cells: map[string]authzCell{
			"cadre-g1c1": writes("已收到 A"), "teacher-g1c1": writes("已收到 A")}},
		{intent: "更正", setup: authzEntries, text: withID("更正 A%d 旷课：李四1节"), need: needChange, cells: map[string]authzCell{
			"cadre-g1c1": writes("已更正 A1"), "teacher-g1c1": writes("已更正 A2"), "office-1": writes("已更正 A4")}},
		{intent: "撤回", setup: authzEntries, text: withID("撤回 A%d"), need: needChange, cells: map[string]authzCell{
			"cadre-g1c1": writes("已撤回 A1"), "teacher-g1c1": writes("已撤回 A2"), "office-1": writes("已撤回 A4")}},
		// Completing a pending leave (issue 12): the class teacher only.
		{intent: "批准", setup: authzLeaves, text: withID("批准 A%d 赵六"), need: "班主任", cells: map[string]authzCell{
			"teacher-g1c1": writes("已补全 A2 赵六 的请假条")}},
		{intent: "未交", text: same("未交"), need: needView, cells: map[string]authzCell{
			"teacher-g1c1": reads("报表"), "lead-g1": reads("报表"), "office-1": reads("报表"), "admin": reads("报表")}},
		{intent: "统计", setup: authzEntries, text: same("统计 11月"), need: "班干部、" + needView, cells: map[string]authzCell{
			"cadre-g1c1": reads("月度汇总"), "teacher-g1c1": reads("月度汇总"), "lead-g1": reads("月度汇总"),
			"office-1": reads("月度汇总"), "admin": reads("月度汇总")}},
		{intent: "预警", text: same("预警"), need: needView, cells: map[string]authzCell{
			"teacher-g1c1": reads("达到预警等级"), "lead-g1": reads("达到预警等级"), "office-1": reads("达到预警等级"),
			"admin": reads("达到预警等级")}},
		{intent: "确认汇总", text: same("确认汇总"), need: "年级组长", cells: map[string]authzCell{
			"lead-g1": writes("已确认 2026年10月 高一")}},
		// Reopening a confirmed month (issue 13.5): the office only.
		{intent: "重开汇总", setup: authzConfirmed, text: same("重开汇总 10月"), need: "政教处/办公室", cells: map[string]authzCell{
			"office-1": writes("已重开 2026年10月 高一")}},
		// The answer to an absence notice: the class teacher, the office or an admin.
		{intent: "查明", setup: authzEntries, text: withID("查明 A%d 张三 发烧在家，家长已知晓"), need: needExplain,
			cells: map[string]authzCell{"teacher-g1c1": writes("已记录 A2 张三"), "office-1": writes("已记录 A4 张三"),
				"admin": writes("已记录 A9 张三")}},
		{intent: "未查明", setup: authzEntries, text: withID("未查明 A%d 张三 家长电话无人接听"), need: needExplain,
			cells: map[string]authzCell{"teacher-g1c1": writes("已记录 A2 张三 未查明"), "office-1": writes("已记录 A4 张三 未查明"),
				"admin": writes("已记录 A9 张三 未查明")}},

		// Information items (SPEC §5.2: officers submit; the unit head approves
		// or returns; the office adopts; a leader signs off).
		{intent: "投稿", text: withID("投稿 标题：动态%d 类别：动态 正文：召开安全工作会。 撰稿：马丽 审核：周强"), need: "信息员",
			cells: map[string]authzCell{"officer-1": writes("已收到信息 S"), "officer-2": writes("已收到信息 S")}},
		{intent: "统计信息", text: withID("统计信息 标题：产值快报%d 正文：产值增长。 撰稿：马丽 审核：周强"), need: "信息员",
			cells: map[string]authzCell{"officer-1": writes("已收到信息 S"), "officer-2": writes("已收到信息 S")}},
		{intent: "补充", setup: authzDrafts, text: withID("补充 S%d 撰稿：马丽 审核：郑主任"), need: "信息员",
			cells: map[string]authzCell{"officer-1": writes("已收到信息 S5"), "officer-2": denied("只有报送人可以补充")}},
		{intent: "通过", setup: authzSubmitted, text: withID("通过 S%d"), need: "单位负责人",
			cells: map[string]authzCell{"head-general": writes("已通过 S7")}},
		{intent: "退回", setup: authzSubmitted, text: withID("退回 S%d 数据需核实"), need: "单位负责人、政教处/办公室、分管领导",
			cells: map[string]authzCell{"head-general": writes("已退回 S7"),
				"office-1": denied("应由单位负责人处理"), "leader-1": denied("应由单位负责人处理")}},
		{intent: "采用", setup: authzApproved, text: withID("采用 S%d 市级 今日头条"), need: "政教处/办公室",
			cells: map[string]authzCell{"office-1": writes("已登记 S4")}},
		{intent: "不采用", setup: authzApproved, text: withID("不采用 S%d 内容重复"), need: "政教处/办公室",
			cells: map[string]authzCell{"office-1": writes("不采用")}},
		{intent: "签发", setup: authzAdopted, text: withID("签发 S%d"), need: "分管领导",
			cells: map[string]authzCell{"leader-1": writes("已签发 S8")}},
		{intent: "稿件", setup: authzSubmitted, text: withID("稿件 S%d"), need: needInvolved, cells: map[string]authzCell{
			"officer-2": reads("流程"), "head-general": reads("流程"), "office-1": reads("流程"), "leader-1": reads("流程"),
			"officer-1": denied("没有找到信息 S5")}},
		{intent: "积分", setup: authzApproved, text: same("积分"), need: needInvolved, cells: map[string]authzCell{
			"officer-1": reads("积分"), "officer-2": reads("积分"), "head-general": reads("积分"), "office-1": reads("积分"),
			"leader-1": reads("积分")}},
		{intent: "排名", setup: authzApproved, text: same("排名"), need: needInvolved, cells: map[string]authzCell{
			"officer-1": reads("排名"), "officer-2": reads("排名"), "head-general": reads("排名"), "office-1": reads("排名"),
			"leader-1": reads("排名")}},
		{intent: "媒体汇总", setup: authzAdopted, text: same("媒体汇总 11月"), need: "信息员、政教处/办公室", cells: map[string]authzCell{
			"officer-1": writes("已报送"), "officer-2": writes("已报送"), "office-1": reads("媒体采用汇总")}},
		{intent: "周报", text: same("周报 上周大事：召开安全工作会；出勤：全勤"), need: "信息员", cells: map[string]authzCell{
			"officer-1": writes("已收到周报"), "officer-2": writes("已收到周报")}},
		// Outing notices (篇10: a teacher for their class or the office
		// registers; the class teacher confirms the guardians were told).
		{intent: "外出", text: same("外出 高一(1)班 12月10日 参观科技馆"), need: "班主任、政教处/办公室",
			cells: map[string]authzCell{"teacher-g1c1": writes("已登记外出活动 O1"), "office-1": writes("已登记外出活动 O")}},
		{intent: "已通知", setup: authzOutings, text: withID("已通知 O%d"), need: "班主任",
			cells: map[string]authzCell{"teacher-g1c1": writes("已记录：O2")}},
		{intent: "好人好事", text: same("好人好事 高一(1)班张三拾金不昧，主动上交钱包"), cells: everyone(writes("已收到好人好事"))},

		// Urgent incidents (SPEC §7: the configured reporters report; only
		// leaders acknowledge; follow-ups and the written report by the
		// reporter, their unit's staff (not its students), leaders (续报) and the office; 结案 by
		// leaders, the unit head or the office).
		{intent: "急报", text: same(authzIncidentText), need: needReporters, cells: map[string]authzCell{
			"cadre-g1c1": writes("已收到急报 E"), "teacher-g1c1": writes("已收到急报 E"), "office-1": writes("已收到急报 E"),
			"officer-1": writes("已收到急报 E"), "officer-2": writes("已收到急报 E"), "leader-1": writes("已收到急报 E")}},
		{intent: "收到", setup: authzIncidents, text: withID("收到 E%d"), need: "分管领导",
			cells: map[string]authzCell{"leader-1": writes("已确认急报 E8")}},
		{intent: "续报", setup: authzIncidents, text: withID("续报 E%d 学生已回教室上课"), need: needFollowers,
			cells: map[string]authzCell{
				"cadre-g1c1": denied("不能处理急报 E1"), "teacher-g1c1": writes("已续报 E2"), "office-1": writes("已续报 E4"),
				"leader-1": writes("已续报 E8"), "officer-1": denied("不能处理急报 E5"), "officer-2": denied("不能处理急报 E6"),
				"head-general": denied("不能处理急报 E7")}},
		{intent: "书面", setup: authzIncidents, text: withID("书面 E%d 11月26日9时40分，学生课间在操场摔倒擦伤，已送校医室"),
			need: needFollowers, cells: map[string]authzCell{
				"cadre-g1c1": denied("不能处理急报 E1"), "teacher-g1c1": writes("书面报告"), "office-1": writes("书面报告"),
				"officer-1": denied("不能处理急报 E5"), "officer-2": denied("不能处理急报 E6"),
				"head-general": denied("不能处理急报 E7"), "leader-1": denied("不能处理急报 E8")}},
		{intent: "定级", setup: authzIncidents, text: withID("定级 E%d 重大 家长反映学生膝盖肿痛，已转县医院"), need: "分管领导",
			cells: map[string]authzCell{"leader-1": writes("已更正急报 E8 的定级 一般 → 重大")}},
		{intent: "结案", setup: authzIncidents, text: withID("结案 E%d 学生已返校"), need: "分管领导、单位负责人、政教处/办公室",
			cells: map[string]authzCell{"office-1": writes("急报 E4 已结案"), "leader-1": writes("急报 E8 已结案"),
				"head-general": denied("不能处理急报 E7")}},
		{intent: "急报列表", setup: authzIncidents, text: same("急报列表"), need: "分管领导、政教处/办公室、系统管理员",
			cells: map[string]authzCell{"office-1": reads("未结案的急报 10 条"), "leader-1": reads("未结案的急报 10 条"),
				"admin": reads("未结案的急报 10 条")}},
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	rows := authzRows()
	// Every intent of the handlers has a row (its first keyword).
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.intent] = true
	}
	ta := newTestApp(t, authzNow)
	for _, u := range ta.Handlers.Usages() {
		if kw := strings.Fields(u.Example)[0]; !covered[kw] {
			t.Errorf("intent %s (%s) has no row in the matrix", u.Intent, kw)
		}
	}
	ta.stop()

	for _, row := range rows {
		t.Run(row.intent, func(t *testing.T) {
			ta := newTestApp(t, authzNow, quiet)
			if row.setup != nil {
				row.setup(t, ta)
			}
			for i, member := range authzMembers {
				text := row.text(i + 1)
				want := row.cell(member)
				before := authzSnapshot(t, ta)
				reply := ta.say(member, text)
				changed := authzChanged(before, authzSnapshot(t, ta))
				if !strings.Contains(reply, want.says) {
					t.Errorf("%s %q: want %s with %q, got:\n%s", member, text, authzVerdictNames[want.verdict], want.says, reply)
				}
				if want.verdict != authzRole && strings.Contains(reply, "需要") && strings.Contains(reply, "身份") {
					t.Errorf("%s %q: refused by role, want %s:\n%s", member, text, authzVerdictNames[want.verdict], reply)
				}
				if w := want.verdict == authzWrites; w != (len(changed) > 0) {
					t.Errorf("%s %q (%s): changed %v", member, text, authzVerdictNames[want.verdict], changed)
				}
			}
		})
	}
}

// Scope within a role: the same intent on someone else's class, record or
// grade is refused and changes nothing; the boundary cases that are allowed
// change what they should.
func TestAuthorizationScope(t *testing.T) {
	// setup: A1 by cadre-g1c1; E1 by teacher-g1c1 (高一(1)班); E2 by officer-2
	// (办公室); S1 approved (officer-1); S2 adopted (officer-1).
	setup := func(t *testing.T, ta *testApp) {
		mustContain(t, ta.say("cadre-g1c1", "考勤 旷课：张三2节"), "已收到 A1")
		mustContain(t, ta.say("teacher-g1c1", authzIncidentText), "已收到急报 E1")
		mustContain(t, ta.say("officer-2", "急报 办公室打印机冒烟，已断电，无人员伤亡"), "已收到急报 E2")
		for i := 1; i <= 2; i++ {
			mustContain(t, ta.say("officer-1", fmt.Sprintf("投稿 标题：动态%d 类别：动态 正文：检查宿舍。 撰稿：马丽 审核：郑主任", i)),
				fmt.Sprintf("已收到信息 S%d", i))
		}
		mustContain(t, ta.say("office-1", "采用 S2 县级"), "已登记")
	}
	cases := []struct {
		member, text string
		want         authzCell
		not          string // a part the reply must not have (another class's data)
	}{
		{"cadre-g1c1", "考勤 高一(2)班 全勤", denied("只能报送本班"), ""},
		{"teacher-g1c1", "考勤 高二(1)班 全勤", denied("只能报送本班"), ""},
		{"teacher-g1c2", "更正 A1 旷课：李四1节", denied("只有报送人、本班班主任或政教处"), ""},
		{"cadre-g1c2", "撤回 A1", denied("只有报送人、本班班主任或政教处"), ""},
		{"teacher-g1c2", "查明 A1 张三 生病", denied("只有高一(1)班班主任、政教处或管理员"), ""},
		{"teacher-g1c1", "撤回 A1", writes("已撤回 A1"), ""},
		{"lead-g2", "统计 高一(1)班", denied("无权查看高一(1)班"), ""},
		{"cadre-g1c1", "统计 高一(2)班", denied("无权查看高一(2)班"), ""},
		{"teacher-g1c1", "预警 高二(1)班", denied("无权查看高二(1)班"), ""},
		{"lead-g2", "预警 高一", denied("无权查看高一"), ""},
		{"cadre-g1c2", "统计 11月", reads("高一(2)班"), "张三"},
		{"lead-g2", "统计 11月", reads("高二(1)班"), "高一(1)班"},
		{"cadre-g1c2", "我的", reads("还没有记录"), "A1"},
		{"teacher-g1c2", "续报 E1 情况稳定", denied("不能处理急报 E1"), ""},
		{"teacher-g1c2", "书面 E1 学生摔倒擦伤", denied("不能处理急报 E1"), ""},
		{"head-general", "结案 E1 已处理", denied("不能处理急报 E1"), ""},
		{"head-general", "结案 E2 已处理", writes("急报 E2 已结案"), ""},
		{"teacher-g1c1", "结案 E1 已处理", authzCell{authzRole, "需要分管领导、单位负责人、政教处/办公室身份"}, ""},
		{"teacher-g1c1", "E1 收到", authzCell{authzRole, "需要分管领导身份"}, ""},
		{"leader-2", "收到 E1", writes("已确认急报 E1"), ""},
		{"head-general", "通过 S1", denied("只有 S1 所属单位（政教处）的负责人"), ""},
		{"office-1", "退回 S1 数据需核实", writes("已退回 S1"), ""},
		{"leader-1", "退回 S1 数据需核实", denied("应由政教处处理"), ""},
		{"leader-1", "退回 S2 数据需核实", writes("已退回 S2"), ""},
		{"office-1", "签发 S2", authzCell{authzRole, "需要分管领导身份"}, ""},
		{"officer-2", "稿件 S1", denied("没有找到信息 S1"), ""},
	}
	for _, c := range cases {
		t.Run(c.member+" "+c.text, func(t *testing.T) {
			ta := newTestApp(t, authzNow, quiet)
			setup(t, ta)
			before := authzSnapshot(t, ta)
			reply := ta.say(c.member, c.text)
			changed := authzChanged(before, authzSnapshot(t, ta))
			mustContain(t, reply, c.want.says)
			if c.not != "" {
				mustNotContain(t, reply, c.not)
			}
			if w := c.want.verdict == authzWrites; w != (len(changed) > 0) {
				t.Errorf("%s (%s): changed %v", reply, authzVerdictNames[c.want.verdict], changed)
			}
		})
	}
}

// authzSnapshot is what a message may change, once the outbox is empty:
// every record (A, S, E, W, G, O) as stored, its history length, the monthly
// confirmations, the media summaries and the number of pushes delivered or
// failed.
func authzSnapshot(t *testing.T, ta *testApp) map[string]string {
	t.Helper()
	ta.settle()
	snap := map[string]string{}
	for _, prefix := range []string{"A", "S", "E", "W", "G", "O"} {
		raws, err := ta.Store.Records(prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range raws {
			var rec struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(raw, &rec); err != nil || rec.ID == "" {
				t.Fatalf("record without id: %s", raw)
			}
			hist, err := ta.Store.HistoryOf(rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			snap[rec.ID] = string(raw)
			snap[rec.ID+" history"] = fmt.Sprint(len(hist))
		}
	}
	err := ta.Store.ViewAttendance(func(tx attendance.Tx) error {
		for _, month := range []string{"2026-10", "2026-11"} {
			for _, grade := range ta.Dir.Grades() {
				c, err := tx.Confirmation(month, grade)
				if err != nil {
					return err
				}
				if c != nil {
					snap["confirmed "+month+" "+grade] = c.By
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = ta.Store.ViewDesk(func(tx desk.Tx) error {
		sums, err := tx.MediaSummaries("")
		for _, s := range sums {
			raw, _ := json.Marshal(s)
			snap["media "+s.Month+" "+s.Member] = string(raw)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pushes := 0
	for _, m := range ta.Dir.Members() {
		msgs, err := ta.Store.Inbox(m.ID, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		pushes += len(msgs)
	}
	failed, err := ta.Store.Failed(10000)
	if err != nil {
		t.Fatal(err)
	}
	snap["pushes"] = fmt.Sprint(pushes + len(failed))
	return snap
}

// authzChanged lists the keys whose values differ.
func authzChanged(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
