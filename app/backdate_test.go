package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Issue 13.5: on Thursday 2026-11-26 a date reaches the current form (due
// 11-26 17:00) and the previous one (11-23 17:00), no further back: 12月31日
// (last year) and 11月2日 are refused and store nothing.
func TestAttendanceDateLimitedToCurrentAndPreviousForm(t *testing.T) {
	ta := newAttApp(t)
	before := authzSnapshot(t, ta)
	r := ta.attAt("cadre-g1c1", "2026-11-26 12:00", "考勤 12月31日 全勤")
	mustContain(t, r, "12月31日", "未记录")
	mustNotContain(t, r, "已收到")
	r = ta.attAt("cadre-g1c1", "2026-11-26 12:01", "考勤 11月2日 旷课：张三2节")
	mustContain(t, r, "日期 2026年11月2日 属于 11月2日(周一)17:00截止的报表", "只能报送本期和上期（11月23日(周一)17:00截止起）", "未记录", "请联系政教处")
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("refused dates changed %v", changed)
	}
	for _, period := range []string{"2025-12", "2026-11"} {
		for _, f := range ta.attExported(period).Forms {
			if len(f.Entries) > 0 {
				t.Errorf("%s: form %s %s has entries %+v", period, f.Unit, f.Due, f.Entries)
			}
		}
	}
	// The previous form is still within reach, by its date or the day after its due time.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 12:02", "考勤 11月23日 旷课：张三1节"), "已收到 A1", "11月23日(周一)17:00截止", "迟交")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 12:03", "考勤 11月20日 全勤"), "已收到 A2", "11月23日(周一)17:00截止")
	if _, _, ids, _ := ta.attExported("2026-11").form("g1c1", "2026-11-23T17:00:00+08:00"); strings.Join(ids, ",") != "A1,A2" {
		t.Errorf("previous form entries %v", ids)
	}
}

// Entries of older forms are changed by the office only (更正); the
// submitter and the class teacher are told to ask the office.
func TestAttendanceOldFormsAreCorrectedByTheOffice(t *testing.T) {
	ta := newAttApp(t)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-02 10:00", "考勤 旷课：张三2节"), "已收到 A1", "11月2日(周一)17:00截止")
	ta.setNow(attClock("2026-11-26 12:00"))
	// The absence clock may still be catching up with the jump; let it settle
	// so the snapshot sees only what the refused commands would change.
	ta.waitClock(attClock("2026-11-26 12:00"))
	before := authzSnapshot(t, ta)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 12:00", "更正 A1 无异常"),
		"A1 属于 11月2日(周一)17:00截止的报表，只能修改本期和上期（11月23日(周一)17:00截止起）的报表，未修改。如需更正，请联系政教处。")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 12:01", "撤回 A1"), "A1 属于 11月2日(周一)17:00截止的报表", "未修改")
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("refused changes changed %v", changed)
	}
	mustContain(t, ta.attAt("office-1", "2026-11-26 12:02", "更正 A1 旷课：张三1节"), "已更正 A1", "旷课：张三 1节")
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 12:03", "统计"), "张三：旷课 1 节")
}

// A month confirmed by the grade lead (确认汇总) is closed: a late form, a
// correction and a withdrawal are refused with a sentence that says who
// confirmed it and how the office reopens it; 重开汇总 11月 reopens it, the
// grade lead is told, and the month can be completed and confirmed again.
func TestAttendanceConfirmedMonthIsClosedUntilReopened(t *testing.T) {
	ta := newAttApp(t)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-30 10:00", "考勤 旷课：张三2节"), "已收到 A1")
	mustContain(t, ta.attAt("lead-g1", "2026-12-01 08:30", "确认汇总 11月"), "已确认 2026年11月 高一")
	before := authzSnapshot(t, ta)
	closed := "2026年11月 高一日常信息月度汇总已由高一年级组长于 12-01 08:30 确认，该月报表不能再报送或修改，未记录。如确需修改，请政教处先发送“重开汇总 11月”。"
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-01 09:01", "考勤 11月30日 旷课：张三1节"), closed)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-01 09:02", "更正 A1 无异常"), closed)
	mustContain(t, ta.attAt("office-1", "2026-12-01 09:03", "撤回 A1"), closed)
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("a confirmed month changed: %v", changed)
	}
	// Tuesday 12-01: 高一(2)班's missing Monday form is closed, so a form without a
	// date goes to the current one and says so.
	mustContain(t, ta.attAt("cadre-g1c2", "2026-12-01 09:04", "考勤 全勤"), "已收到 A2", "12月3日(周四)17:00截止",
		"上期报表（11月30日(周一)17:00截止）未交，其所在月份的汇总已确认，不能再补交；本条归入本期。")
	// 高二 did not confirm: its late form goes in.
	mustContain(t, ta.attAt("cadre-g2c1", "2026-12-01 09:04", "考勤 全勤"), "已收到 A3", "11月30日(周一)17:00截止", "迟交")

	// Only the office reopens (and only its 帮助 lists it); a month nobody confirmed needs no reopening.
	mustContain(t, ta.say("office-1", "帮助"), "重开汇总 11月")
	mustNotContain(t, ta.say("lead-g1", "帮助"), "重开汇总")
	mustContain(t, ta.attAt("lead-g1", "2026-12-01 09:05", "重开汇总 11月"), "需要政教处/办公室身份")
	mustContain(t, ta.attAt("office-1", "2026-12-01 09:05", "重开汇总 11月 高二"), "2026年11月 高二日常信息月度汇总尚未确认，无需重开。")
	mustContain(t, ta.attAt("office-1", "2026-12-01 09:06", "重开汇总 11月"),
		"已重开 2026年11月 高一 日常信息月度汇总（原由高一年级组长于 12-01 08:30 确认）", "确认汇总 11月")
	ta.waitInbox("lead-g1", "政教处郑主任已重开高一2026年11月日常信息月度汇总", "确认汇总 11月")
	mustContain(t, ta.attAt("cadre-g1c2", "2026-12-01 09:07", "考勤 全勤"), "已收到 A4", "11月30日(周一)17:00截止", "迟交")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-01 09:08", "更正 A1 旷课：张三1节"), "已更正 A1")
	mustContain(t, ta.attAt("lead-g1", "2026-12-01 09:09", "统计 11月"), "张三：旷课 1 节", "高一：尚未确认")
	mustContain(t, ta.attAt("lead-g1", "2026-12-01 09:10", "确认汇总 11月"), "已确认 2026年11月 高一")
	// The office hears of both confirmations.
	ta.settle()
	n := 0
	for _, m := range ta.inbox("office-1") {
		if strings.Contains(m.Text, "已确认高一2026年11月日常信息月度汇总") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("office told of %d confirmations, want 2", n)
	}
	hist, err := ta.Store.HistoryOf("attendance-confirm|2026-11|高一")
	if err != nil || len(hist) != 3 || hist[1].Action != "reopen" || hist[1].By != "office-1" {
		t.Errorf("confirmation history %+v %v", hist, err)
	}
}

// The local hook's "at" is bounded like a date in the text: a message time
// after the server's clock (2099) is refused and stores nothing; a minute
// of skew is tolerated.
func TestLocalHookRefusesFutureMessageTime(t *testing.T) {
	ta := newAttApp(t)
	before := authzSnapshot(t, ta)
	code, out := ta.post(`{"from":"cadre-g1c1","text":"考勤 全勤","at":"2099-11-26T16:00:00+08:00"}`)
	if code != http.StatusBadRequest || !strings.Contains(out.Error, "晚于服务器当前时间") || len(out.Replies) != 0 {
		t.Errorf("2099: HTTP %d %+v", code, out)
	}
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("a future message time changed %v", changed)
	}
	for _, f := range ta.attExported("2099-11").Forms {
		if len(f.Entries) > 0 {
			t.Errorf("2099 form %s %s: %+v", f.Unit, f.Due, f.Entries)
		}
	}
	skew, _ := json.Marshal(map[string]string{"from": "cadre-g1c1", "text": "考勤 全勤",
		"at": attThursday.Add(30 * time.Second).Format(time.RFC3339)})
	if code, out := ta.post(string(skew)); code != http.StatusOK || len(out.Replies) == 0 || !strings.Contains(out.Replies[0].Text, "已收到 A1") {
		t.Errorf("30 s ahead: HTTP %d %+v", code, out)
	}
}
