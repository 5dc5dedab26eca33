package app_test

import "testing"

// The words of commands as people type them on a phone (handlers/parse
// reads them all): a record id with a space or zeros in it, a month with a
// space before 月, a quarter by its Chinese name. Each row would have been
// refused before the grammar lived in one place.
func TestCommandWordsAsPeopleTypeThem(t *testing.T) {
	ta := newAttApp(t)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 09:00", "考勤 旷课：张三2节"), "已收到 A1")

	// 更正 a 1: the class cadre's keyboard put a space after the letter.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 09:05", "更正 a 1 旷课：张三3节"), "已更正 A1", "旷课：张三 3节")
	// 更正 Ａ０１: full width, and a zero in front, is the same record.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 09:06", "更正 Ａ０１ 旷课：张三1节"), "已更正 A1", "第 2 次更正", "旷课：张三 1节")

	// 统计 11 月 / 十一 月份: the grade lead's month with a space in it.
	for _, text := range []string{"统计 11 月", "统计 高一 十一 月份", "统计 ２０２６ 年 １１ 月"} {
		r := ta.attAt("lead-g1", "2026-11-26 10:00", text)
		mustContain(t, r, "2026年11月 日常信息月度汇总", "张三：旷课 1 节")
		mustNotContain(t, r, "没看懂月份")
	}
	// 统计 本季度: the quarter, as 积分 always took it.
	r := ta.attAt("lead-g1", "2026-11-26 10:01", "统计 本季度")
	mustContain(t, r, "2026Q4 日常信息月度汇总", "张三：旷课 1 节")
	// Still refused: a month that does not exist, named back.
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 10:02", "统计 十三月"), "没看懂月份“十三月”")

	// 积分 第四季度 / 2026年第四季度: the officer's quarter in words.
	for _, text := range []string{"积分 第四季度", "积分 2026年第四季度", "积分 四季度"} {
		r := ta.attAt("officer-1", "2026-11-26 10:03", text)
		mustContain(t, r, "积分（2026年第四季度）")
		mustNotContain(t, r, "时段无法识别")
	}

	// 媒体汇总 10 月 …: the month with a space, then the officer's note.
	r = ta.attAt("officer-2", "2026-11-26 10:04", "媒体汇总 10 月 本月无采用")
	mustContain(t, r, "已报送 2026年10月媒体采用汇总，共 0 条")
	ta.waitInbox("office-1", "【媒体采用汇总】孙敏 2026年10月", "本月无采用")

	// 收到 E01 and 续报 ｅ０１: an incident id with a zero in front.
	ta.attAt("teacher-g1c1", "2026-11-26 12:50", "急报 学生课间在走廊摔倒，膝盖擦伤，已送校医室处理")
	ta.waitInbox("leader-1", "急报 E1")
	mustContain(t, ta.attAt("leader-1", "2026-11-26 12:55", "收到 E01"), "已确认急报 E1")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 13:01", "续报 ｅ０１ 学生已返回教室上课"), "已续报 E1")
}
