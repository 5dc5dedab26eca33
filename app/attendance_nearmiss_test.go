package app_test

import "testing"

// Observation 7: typos and near misses of a keyword are asked back and
// nothing is stored; 今天全勤 is a form; 撤回上一条 / 更正上一条 act on the
// sender's latest entry.
func TestIssue12NearMisses(t *testing.T) {
	ta := newDec3App(t)
	for _, c := range []struct{ from, text, suggest string }{
		{"cadre-g1c1", "考情 全勤", "考勤 全勤"},
		{"cadre-g1c1", "考勤了 全勤", "考勤 全勤"},
		{"cadre-g1c1", "考琴：旷课：张三2节", "考勤 旷课：张三2节"},
		{"cadre-g1c1", "撤会 A1", "撤回 A1"},
		{"cadre-g1c1", "日常信心全勤", "日常信息 全勤"},
		{"teacher-g2c2", "急保 体育课上学生晕倒送医院", "急报 体育课上学生晕倒送医院"},
		{"teacher-g2c2", "急报了 学生晕倒", "急报 学生晕倒"},
		{"officer-1", "投搞 标题：测试", "投稿 标题：测试"},
	} {
		r := ta.attAt(c.from, "2026-12-03 10:00", c.text)
		mustContain(t, r, "您是不是想发："+c.suggest+"？", "未处理")
		mustNotContain(t, r, "已收到", "已登记")
	}
	ta.mustStoreNothing(t)
	mustContain(t, ta.say("cadre-g1c1", "我的"), "还没有记录")
	mustContain(t, ta.say("teacher-g2c2", "我的"), "还没有记录")
	// Words that are themselves are not near misses.
	for _, text := range []string{"请问 怎么报考勤", "我们 今天去春游"} {
		r := ta.attAt("cadre-g1c1", "2026-12-03 10:01", text)
		mustContain(t, r, "没看懂这条消息")
		mustNotContain(t, r, "您是不是想发")
	}

	// A form without its keyword is read when it reads whole.
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:02", "今天全勤")
	mustContain(t, r, "已收到 A1", "无异常")
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:03", "张三今天没来，旷了两节课")
	mustContain(t, r, "已收到 A2", "旷课：张三 2节")
	// Not for someone who may not submit one, and not when half of it is unread.
	mustContain(t, ta.attAt("lead-g1", "2026-12-03 10:04", "今天全勤"), "没看懂这条消息")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:05", "今天天气不错"), "没看懂这条消息")

	// 撤回上一条 and 更正上一条 act on the sender's latest entry, and only theirs.
	mustContain(t, ta.attAt("cadre-g1c2", "2026-12-03 10:06", "撤回上一条"), "您还没有报送过考勤")
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:07", "更正上一条 旷课：张三1节")
	mustContain(t, r, "已更正 A2", "旷课：张三 1节")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:08", "撤回上一条"), "已撤回 A2", "仍有 A1")
	if got := ta.attRows("A2"); got != `[{"type":"旷课","student":"张三","hours":1}]` {
		t.Errorf("A2 %s", got)
	}
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:09", "撤回上一条"), "A2 已撤回")
}
