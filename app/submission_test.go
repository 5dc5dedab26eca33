package app_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
)

var cst = time.FixedZone("CST", 8*3600)

func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, cst)
}

const fullItem = "投稿\n标题：我局开展防汛应急演练\n类别：动态\n正文：6月12日，我局组织机关干部开展防汛应急演练。\n撰稿：孙敏  审核：周强"

// article reads an item straight from the store.
func article(t *testing.T, ta *testApp, id string) *desk.Article {
	t.Helper()
	var a *desk.Article
	err := ta.Store.ViewDesk(func(tx desk.Tx) error {
		var err error
		a, err = tx.Article(id)
		return err
	})
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	return a
}

func TestSubmissionReviewChain(t *testing.T) {
	ta := newTestApp(t, at(11, 10, 9, 0))

	// officer-2 (办公室, head 周强) submits: the head is asked.
	r := ta.say("officer-2", fullItem)
	mustContain(t, r, "已收到信息 S1", "待周强审核", "标题：我局开展防汛应急演练", "撰稿：孙敏", "审核：周强",
		"计入月份：2026年11月", "已通知：周强")
	ta.waitInbox("head-general", "S1", "通过 S1")

	// officer-1's unit (政教处) has no unit head: straight to the office.
	r = ta.say("officer-1", "投稿 标题：政教处开展宿舍安全检查 类别：动态 正文：共检查宿舍120间。 撰稿：马丽 审核：郑主任")
	mustContain(t, r, "S2", "直接报送政教处", "已通知：政教处郑主任")
	ta.waitInbox("office-1", "S2", "直接报送")

	// Roles and scope: only the head of the submitting unit approves.
	mustContain(t, ta.say("office-1", "通过 S1"), "需要单位负责人身份")
	mustContain(t, ta.say("head-general", "通过 S2"), "只有 S2 所属单位（政教处）的负责人")
	mustContain(t, ta.say("officer-2", "采用 S1 市级"), "需要政教处/办公室身份")
	mustContain(t, ta.say("leader-1", "签发 S1"), "当前状态为“待单位负责人审核”，不能签发")
	mustContain(t, ta.say("head-general", "通过 S9"), "没有找到信息 S9")
	mustContain(t, ta.say("head-general", "通过"), "请注明信息编号")
	if got := article(t, ta, "S1").Status; got != desk.Submitted {
		t.Fatalf("refusals changed S1: %s", got)
	}

	mustContain(t, ta.say("head-general", "通过 #S1"), "已通过 S1", "政教处郑主任", "孙敏")
	ta.waitInbox("office-1", "S1", "周强已审核通过")
	ta.waitInbox("officer-2", "S1", "审核通过")

	// Two adoptions are kept; the reward is the highest level's only.
	mustContain(t, ta.say("office-1", "采用 S1 县级 现场云"), "县级（现场云）", "奖励 20 元")
	ta.waitInbox("leader-1", "S1", "签发 S1")
	mustContain(t, ta.say("office-1", "采用 s1 市级 今日头条"), "最高级别 市级", "奖励 50 元")
	mustContain(t, ta.say("office-1", "采用 S1 市级 今日头条"), "已记录过这一采用")
	mustContain(t, ta.say("office-1", "采用 S1"), "请写明采用级别")

	mustContain(t, ta.say("leader-1", "签发 S1"), "已签发 S1", "〔2026〕第1号")
	ta.waitInbox("officer-2", "S1", "〔2026〕第1号")
	ta.waitInbox("office-1", "S1", "请登记存档")
	mustContain(t, ta.say("leader-2", "签发 S1"), "S1 已于", "〔2026〕第1号")

	a := article(t, ta, "S1")
	if a.Status != desk.Signed || len(a.Adoptions) != 2 || a.RegNo != "〔2026〕第1号" || a.CountedMonth != "2026-11" || a.Late {
		t.Errorf("S1 = %+v", a)
	}
	hist, err := ta.Store.HistoryOf("S1")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, h := range hist {
		actions = append(actions, h.Action+"/"+h.By)
	}
	want := "投稿/officer-2 提交/officer-2 通过/head-general 采用/office-1 采用/office-1 签发/leader-1"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("history = %s\nwant      %s", got, want)
	}

	mustContain(t, ta.say("officer-2", "稿件 S1"), "已签发", "〔2026〕第1号", "周强 通过")
	mustContain(t, ta.say("officer-2", "我的"), "S1 信息《我局开展防汛应急演练》已签发 〔2026〕第1号")
}

func TestSubmissionDraftReturnAndReject(t *testing.T) {
	ta := newTestApp(t, at(11, 10, 9, 0))
	r := ta.say("officer-2", "投稿 标题：宿舍管理工作推进会召开\n正文：会议研究了宿舍管理细则。")
	mustContain(t, r, "S1", "草稿，待补充", "还缺：撰稿、审核", "补充 S1 撰稿")
	mustNotContain(t, r, "已通知")
	if a := article(t, ta, "S1"); a.Status != desk.Draft || a.CountedMonth != "" {
		t.Fatalf("draft = %+v", a)
	}
	mustContain(t, ta.say("officer-1", "补充 S1 撰稿：马丽"), "只有报送人可以补充")
	mustContain(t, ta.say("officer-2", "补充 S1 撰稿：孙敏"), "还缺：审核")
	mustContain(t, ta.say("officer-2", "补充 S1 周强"), "待周强审核", "计入月份：2026年11月")

	mustContain(t, ta.say("head-general", "退回 S1"), "请写明退回原因")
	mustContain(t, ta.say("head-general", "退回 S1 数据需核实"), "已退回 S1", "数据需核实")
	ta.waitInbox("officer-2", "S1", "被周强退回：数据需核实")
	mustContain(t, ta.say("officer-2", "补充 S1 正文：会议研究了宿舍管理细则，明确了责任分工。"), "待周强审核")
	mustContain(t, ta.say("head-general", "通过 S1"), "已通过")
	mustContain(t, ta.say("leader-1", "退回 S1 再议"), "这一步应由政教处处理")
	mustContain(t, ta.say("office-1", "不采用 S1 内容重复"), "不采用，原因：内容重复")
	ta.waitInbox("officer-2", "S1", "未被采用", "内容重复")
	mustContain(t, ta.say("office-1", "采用 S1 县级"), "当前状态为“不采用”")

	// A reply in the wrong shape changes nothing.
	mustContain(t, ta.say("officer-2", "投稿 标题：某事 类别：通知 正文：略 撰稿：孙敏 审核：周强"), "类别“通知”无法识别")
	mustContain(t, ta.say("officer-2", "投稿"), "请按以下格式报送信息")
	mustContain(t, ta.say("officer-2", "投稿 我的 秘密 文件"), "涉密信息不得通过网络报送")
	var n int
	_ = ta.Store.ViewDesk(func(tx desk.Tx) error {
		all, err := tx.Articles()
		n = len(all)
		return err
	})
	if n != 1 {
		t.Errorf("%d items stored, want 1", n)
	}
}

// The 15th of November 2026 is a Sunday: the deadline is Friday the 13th,
// and an item of Saturday the 14th counts for December, marked 延期.
func TestLateItemCountsNextMonth(t *testing.T) {
	ta := newTestApp(t, at(11, 14, 10, 0))
	r := ta.sayAt("officer-2", fullItem, "", at(11, 14, 10, 0))
	mustContain(t, r, "延期：已过 2026年11月 月报截止（11月13日（周五））", "计入 2026年12月")
	a := article(t, ta, "S1")
	if !a.Late || a.CountedMonth != "2026-12" {
		t.Errorf("S1 = %+v", a)
	}
	r = ta.sayAt("officer-2", strings.Replace(fullItem, "防汛", "消防", 1), "", at(11, 13, 23, 59))
	mustContain(t, r, "计入月份：2026年11月")
}

func TestPointsHighestLevelPenaltyAndRanking(t *testing.T) {
	ta := newTestApp(t, at(11, 2, 9, 0))
	// officer-2: one item, adopted at 县级 then 区级: 80, not 100.
	ta.say("officer-2", fullItem)
	ta.say("head-general", "通过 S1")
	ta.say("office-1", "采用 S1 县级 现场云")
	ta.say("office-1", "采用 S1 区级 宁夏法制报")
	// officer-1: two items, none adopted.
	ta.say("officer-1", "投稿 标题：甲 正文：乙 撰稿：马丽 审核：郑主任")
	ta.say("officer-1", "投稿 标题：丙 正文：丁 撰稿：马丽 审核：郑主任")

	// Before the deadline (the 15th is a Sunday: Friday the 13th) the
	// shortfall can still be made up: no fine yet, and the reply says when.
	ta.setNow(at(11, 13, 17, 0))
	r := ta.say("officer-2", "积分 本月")
	mustContain(t, r, "孙敏（办公室）：计入 1 篇/任务 2 篇", "采用 1 篇，奖励 80 元，少报 1 篇，罚 0 元，合计 80 元",
		"本月信息月报 11月13日（周五） 截止，少报罚款在截止后计入")
	mustNotContain(t, r, "马丽")

	// Once the deadline has passed the fine shows (issue 14 item 8: it
	// said 罚 0 元 beside 少报 1 篇 until the month closed on the 27th).
	ta.setNow(at(11, 20, 9, 0))
	r = ta.say("officer-2", "积分 本月")
	mustContain(t, r, "少报 1 篇，罚 20 元，合计 60 元", "月报已截止，少报罚款已计入；11月27日（周五） 结算前")
	mustNotContain(t, r, "罚 0 元")

	// After the month closes (the 28th is a Saturday: the media deadline is
	// Friday the 27th) the figures are final.
	ta.setNow(at(11, 28, 9, 0))
	r = ta.say("officer-2", "积分 2026-11")
	mustContain(t, r, "少报 1 篇，罚 20 元，合计 60 元")
	mustNotContain(t, r, "结算前", "截止后计入")
	r = ta.say("office-1", "积分 2026年11月")
	mustContain(t, r, "马丽（政教处）：计入 2 篇/任务 2 篇", "合计 0 元", "孙敏（办公室）")

	r = ta.say("leader-1", "排名 2026-11")
	mustContain(t, r, "2026年11月", "第1名 办公室：奖励 80 元，扣罚 20 元，合计 60 元", "第2名 政教处",
		"第1名 孙敏（办公室）", "第2名 马丽（政教处）")

	// Adoptions recorded after November closed are settled in December,
	// still in the quarter: officer-1 50+20 = 70, officer-2 80-20 = 60.
	ta.say("office-1", "采用 S2 市级")
	ta.say("office-1", "采用 S3 县级")
	r = ta.say("leader-1", "排名 2026Q4")
	mustContain(t, r, "第1名 马丽（政教处）", "合计 70 元", "第2名 孙敏（办公室）")
	// Ties share a rank: officer-2 +70 (国家级 150 − 80 paid) = 130;
	// officer-1 +30 (S3 市级) +30 (S2 区级) = 130.
	ta.say("office-1", "采用 S1 国家级 人民网")
	ta.say("office-1", "采用 S3 市级")
	ta.say("office-1", "采用 S2 区级")
	r = ta.say("leader-1", "排名 2026Q4")
	mustContain(t, r, "第1名 孙敏（办公室）", "第1名 马丽（政教处）", "合计 130 元")
	mustNotContain(t, r, "第2名 马丽", "第2名 孙敏")
	mustContain(t, ta.say("leader-1", "排名 下周"), "时段无法识别")
}

func TestConcurrentSigningIsGapFree(t *testing.T) {
	ta := newTestApp(t, at(11, 10, 9, 0))
	const n = 12
	for i := 1; i <= n; i++ {
		ta.say("officer-1", fmt.Sprintf("投稿 标题：第%d篇 正文：内容 撰稿：马丽 审核：郑主任", i))
		mustContain(t, ta.say("office-1", fmt.Sprintf("采用 S%d 县级", i)), "已登记")
	}
	var wg sync.WaitGroup
	replies := make(chan string, 2*n)
	for _, leader := range []string{"leader-1", "leader-2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= n; i++ {
				replies <- ta.say(leader, fmt.Sprintf("签发 S%d", i))
			}
		}()
	}
	wg.Wait()
	close(replies)
	signed := 0
	for r := range replies {
		if strings.HasPrefix(r, "已签发") {
			signed++
		}
	}
	if signed != n {
		t.Errorf("%d 签发 succeeded, want %d", signed, n)
	}
	var nums []string
	for i := 1; i <= n; i++ {
		nums = append(nums, article(t, ta, fmt.Sprintf("S%d", i)).RegNo)
	}
	sort.Strings(nums)
	want := make([]string, n)
	for i := range want {
		want[i] = desk.RegNo(2026, uint64(i+1))
	}
	sort.Strings(want)
	if strings.Join(nums, ",") != strings.Join(want, ",") {
		t.Errorf("registration numbers %v, want %v", nums, want)
	}
}

func TestWeeklyGoodDeedAndMediaSummary(t *testing.T) {
	// Tuesday 2026-11-24: the report due Monday the 23rd (week of the 16th)
	// is still missing, so this one completes it late.
	ta := newTestApp(t, at(11, 24, 10, 0))
	r := ta.say("officer-2", "周报 上周大事：召开学期安全工作会；出勤：全勤")
	mustContain(t, r, "已收到周报 W1", "办公室 11月16日—11月22日这一周", "逾期补报")
	r = ta.say("officer-2", "周报 补充：本周大事")
	mustContain(t, r, "W2", "11月23日—11月29日这一周", "按时")
	mustContain(t, ta.say("head-general", "周报 x"), "需要信息员身份")
	dk := desk.New(ta.Config.Submission, ta.Config.Weekly, ta.Dir, ta.Store, time.Now)
	missing, err := dk.WeeklyMissing(t.Context(), at(11, 16, 0, 0))
	if err != nil || strings.Join(missing, ",") != "office" {
		t.Errorf("weekly missing = %v, %v", missing, err)
	}

	r = ta.say("cadre-g1c1", "好人好事 高一(1)班张三拾金不昧，主动上交钱包")
	mustContain(t, r, "已收到好人好事 G1（高一(1)班）", "政教处郑主任")
	ta.waitInbox("office-1", "【好人好事】", "拾金不昧", "G1")

	ta.say("officer-2", fullItem)
	ta.say("head-general", "通过 S1")
	ta.say("office-1", "采用 S1 市级 今日头条")
	r = ta.say("officer-2", "媒体汇总 11月")
	mustContain(t, r, "已报送 2026年11月媒体采用汇总，共 1 条", "S1《我局开展防汛应急演练》市级（今日头条）")
	ta.waitInbox("office-1", "【媒体采用汇总】孙敏 2026年11月")
	r = ta.say("office-1", "媒体汇总")
	mustContain(t, r, "2026年11月媒体采用汇总（截止 11月27日（周五））", "孙敏（已报送", "马丽（未报送）")
	mustContain(t, ta.say("officer-1", "我的"), "您还没有记录")
	mustContain(t, ta.say("cadre-g1c1", "我的"), "G1 好人好事")
}

// officeNamed renames the demo's office unit (政教处), for tests that the
// office is named by its unit.
func officeNamed(name string) func(*config.Config) {
	return func(c *config.Config) {
		for i := range c.Units {
			if c.Units[i].ID == "office" {
				c.Units[i].Name = name
			}
		}
	}
}

// An approved item waits for the office by its unit's name (学生发展中心
// here), not a fixed 办公室: in 稿件, 我的, a refusal and the export.
func TestApprovedItemNamesTheOffice(t *testing.T) {
	ta := newTestApp(t, at(11, 10, 9, 0), officeNamed("学生发展中心"))
	mustContain(t, ta.say("officer-2", fullItem), "已收到信息 S1", "待周强审核")
	mustContain(t, ta.say("head-general", "通过 S1"), "已通过 S1")
	ta.waitInbox("office-1", "S1", "周强已审核通过")
	if a := article(t, ta, "S1"); a.Status != desk.Approved {
		t.Fatalf("S1 = %s", a.Status)
	}
	const label = "已审核，待学生发展中心采用"
	replies := []string{
		ta.say("officer-2", "稿件 S1"),
		ta.say("officer-2", "我的"),
		ta.say("leader-1", "签发 S1"),
		string(ta.exportRaw("submissions", "2026-11", "csv")),
	}
	mustContain(t, replies[0], "S1《我局开展防汛应急演练》 "+label)
	mustContain(t, replies[1], "S1 信息《我局开展防汛应急演练》"+label)
	mustContain(t, replies[2], "当前状态为“"+label+"”，不能签发")
	mustContain(t, replies[3], ","+label+",")
	for _, r := range replies {
		mustNotContain(t, r, "待办公室采用")
	}
	if a := article(t, ta, "S1"); a.Status != desk.Approved || a.RegNo != "" {
		t.Errorf("the refused 签发 changed S1: %+v", a)
	}
}
