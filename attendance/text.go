package attendance

import (
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

// The Chinese texts of the attendance pushes.
const (
	noticeTitle          = "缺勤告知"
	noticeTitleChanged   = "缺勤告知（更正）"
	noticeHead           = "%s %s的日常信息报表 %s（%s报送）："
	noticeHeadCorrected  = "%s %s的日常信息报表 %s（%s报送）已更正为："
	noticeTail           = "请及时联系家长。"
	noticeWithdrawn      = "%s %s的日常信息报表 %s 已撤回，此前告知的情况以更正后的报表为准。"
	noticeCorrectedClear = "%s %s的日常信息报表 %s 已更正，更正后无需联系家长的情况。"
	levelTitle           = "考勤预警"
	levelText            = "%s %s：%s%s，达到“%s”（%s）。本月合计：旷课 %d 节（已扣除请假），夜不归宿 %d 次，擅自离校 %d 天。"
	ruleHours            = "旷课满 %d 节"
	ruleDiscipline       = "旷课满 %d 节或擅自离校超过 %d 天"
	confirmTitle         = "月度汇总已确认"
	confirmText          = "%s已确认%s%s日常信息月度汇总（%s）。"
	reopenTitle          = "月度汇总已重开"
	reopenText           = "%s已重开%s%s日常信息月度汇总，该月报表可再补报和更正。处理完毕后请重新确认：确认汇总 %d月"
	pendingNote          = "待补请假条"
	// The follow-up of abnormal absences (篇3).
	noticeAsk             = "请联系家长查明缺席原因后回复：查明 %s %s 原因（如：发烧在家，家长已知晓）；未能查明请回复：未查明 %s %s。%s内未回复的，将按未查明报政教处及分管领导。"
	noticeAskEach         = "（%s 请逐一回复）"
	causeFoundTitle       = "缺勤原因已查明"
	causeFoundText        = "【缺勤原因已查明】%s：%s。——%s %s 查明。"
	causeFoundAfterReport = "（此前已按未查明上报，现已查明。）"
	causeNotFoundTitle    = "缺勤原因未查明"
	causeNotFoundText     = "【缺勤原因未查明】%s：%s报告未能查明缺席原因%s。按篇3，请年级组长向政教处及分管领导汇报，做好后续教育工作。"
	causeOverdueHead      = "【缺勤原因未查明】以下缺勤，班主任收到告知后 %s内未回复查明情况（共 %d 起）："
	causeOverdueTail      = "按篇3，请年级组长向政教处及分管领导汇报，做好后续教育工作。"
	causeMissedDetail     = "%s 逾期时服务未运行，已超过补发时限 %s，未推送"
	causeCoveredNote      = "（同一报表 %s 中 %s 的缺勤一并查明。）"
	causeViaDetail        = "%s：%s（随 %s 查明）"
	noticeCovered         = "%s 的缺勤原因已随 %s 查明（%s），无需再次回复。"
)

// The Chinese texts of the pushes about outing notices (篇10).
const (
	outingTitle       = "外出活动"
	outingOfficeTitle = "信息报送" // the office hears of outings under the desk's title, as before
	pushOutingOffice  = "【外出登记】%s登记外出活动：%s（编号 %s）。"
	pushOutingTeacher = "【外出活动】%s已登记外出活动：%s（编号 %s）。请最迟于%s通知学生家长（监护人），通知后回复“已通知 %s”。"
	pushOutingUrgent  = "【紧急外出】%s已登记紧急外出活动：%s（编号 %s）。请立即通知学生家长（监护人），通知后回复“已通知 %s”。"
)

// FormLabel names a form by its due time: 11月26日(周四)17:00.
func FormLabel(due time.Time, loc *time.Location) string {
	d := due.In(loc)
	return fmt.Sprintf("%d月%d日(%s)%s", int(d.Month()), d.Day(), org.WeekdayName(d.Weekday()), d.Format("15:04"))
}

// DescribeRows writes rows the way a form reads, one line per type in the
// order of RowTypes: "旷课：张三 2节、李四 1节". No rows reads 无异常.
func DescribeRows(rows []Row) string {
	if len(rows) == 0 {
		return "无异常"
	}
	var lines []string
	for _, typ := range RowTypes {
		var parts []string
		for _, r := range rows {
			if r.Type == typ {
				parts = append(parts, DescribeRow(r))
			}
		}
		if len(parts) > 0 {
			lines = append(lines, typ+"："+strings.Join(parts, "、"))
		}
	}
	return strings.Join(lines, "\n")
}

// DescribeRow writes one row without its type: 张三 2节, 赵六 3节 病假 批准人刘老师.
func DescribeRow(r Row) string {
	parts := []string{r.Who()}
	if r.Hours > 0 {
		parts = append(parts, fmt.Sprintf("%d节", r.Hours))
	}
	if r.Days > 0 {
		parts = append(parts, fmt.Sprintf("%d天", r.Days))
	}
	if r.Time != "" {
		parts = append(parts, r.Time)
	}
	if r.Reason != "" {
		parts = append(parts, r.Reason)
	}
	if r.Type == Leave {
		if r.Approver != "" {
			parts = append(parts, "批准人"+r.Approver)
		} else {
			parts = append(parts, "（"+pendingNote+"）")
		}
	}
	return strings.Join(parts, " ")
}

// Counts is one student's totals as every summary words them (the chat's
// 统计 and 预警, the monthly push): 旷课 9 节（请假抵扣 2 节，计 7 节）、夜不归宿 1 次.
func (t *Tally) Counts() string {
	var parts []string
	if t.ReportedHours > 0 {
		s := fmt.Sprintf("旷课 %d 节", t.ReportedHours)
		if t.CoveredHours > 0 {
			s += fmt.Sprintf("（请假抵扣 %d 节，计 %d 节）", t.CoveredHours, t.AbsentHours)
		}
		parts = append(parts, s)
	}
	for _, c := range []struct {
		n      int
		format string
	}{{t.Nights, "夜不归宿 %d 次"}, {t.DaysLeft, "擅自离校 %d 天"}, {t.LateReturns, "晚归 %d 次"},
		{t.LeaveHours, "请假 %d 节"}, {t.LeaveDays, "请假 %d 天"}, {t.PendingLeaves, "待补请假条 %d 张"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf(c.format, c.n))
		}
	}
	return strings.Join(parts, "、")
}
