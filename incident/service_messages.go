package incident

import (
	"fmt"
	"strings"
)

// The Chinese texts of the Service's pushes (the rules' own texts are in
// messages.go).
const (
	noticeAcked      = "【急报已确认 %s｜%s】%s 已于%s确认收到，不再升级提醒。\n事由：%s"
	noticeFollowUp   = "【续报 %s｜%s】%s %s：\n%s"
	noticeGraded     = "【急报定级 %s】%s 于%s将定级由“%s”调整为“%s”。"
	noticeChanges    = "\n变化：%s。"
	noticeReason     = "理由：%s"
	noticeWritten    = "【书面报告 %s｜%s】%s 于%s提交（%s）：\n%s"
	noticeClosed     = "【结案 %s】%s 于%s结案：%s"
	noticeUpwardHead = "【须报上级】以下为系统根据急报起草的上报材料，请核实补充后按规定报告主管部门和政府：\n\n"
	noticeUnreached  = "【急报通知未送达 %s】%s 的通知尚未送达%s，请电话联系。"
	groupName        = "群“%s”"
)

// writtenWord names a written-report state in a push.
var writtenWord = map[string]string{WrittenOnTime: "按时", WrittenLate: "逾期"}

// changesText lists the changes of a follow-up for a push; "" for none.
func changesText(changes []string) string {
	if len(changes) == 0 {
		return ""
	}
	return fmt.Sprintf(noticeChanges, strings.Join(changes, "；"))
}

func reasonText(reason string) string {
	if reason == "" {
		return ""
	}
	return fmt.Sprintf(noticeReason, reason)
}

// short cuts a report text for a one-line mention.
func short(text string) string {
	const limit = 60
	r := []rune(text)
	if len(r) <= limit {
		return text
	}
	return string(r[:limit]) + "…"
}
