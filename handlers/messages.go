package handlers

import "fmt"

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// The Chinese texts of the replies. Keep them short, say what was
// understood, and say how to correct it.
const (
	msgNeedRole     = "抱歉，这项操作需要%s身份。发送“帮助”查看您可以使用的功能。"
	msgConfidential = "涉密信息不得通过网络报送，请按保密规定以纸质文稿报送。本条消息未保存。"
	// A 急报 with a marking: the record's text, and the reply.
	msgWithheldIncident = "一条急报含涉密标识，内容未经网络传送，请电话联系报告人 %s%s"
	msgWithheldReported = "已登记急报 %s，%s。\n您的急报含涉密标识，内容未保存、未传送（涉密信息不得通过网络报送）。" +
		"请立即电话向领导报告详情；书面报告按保密规定以纸质文稿报送。领导确认后会通知您；“续报 %s …”中也不要写涉密内容。"
	msgHelpHead  = "您好，%s（%s）。您可以发送："
	msgHelpTail  = "\n编号可带或不带 #，如 A12 或 #A12。"
	msgNoRecords = "您还没有记录。"
	msgMineHead  = "您最近的记录："
	msgUnknown   = "没看懂这条消息。发送“帮助”查看可以使用的功能和示例。"
	msgNearMiss  = "您是不是想发：%s？这条消息未处理，请确认后重新发送。发送“帮助”查看可以使用的功能和示例。"
	msgTooLong   = "消息过长（最多 %d 字），请分段发送。"
	// 看板: the one-time link (url, valid until HH:MM), or the console is off.
	msgConsoleLink = "看板登录链接（仅限本人，%[2]s 前有效，只能使用一次，请勿转发）：\n%[1]s\n登录后 8 小时内有效；过期请重新发送“看板”。"
	msgConsoleOff  = "网页看板未开启，请联系管理员在配置中设置 [console] enabled = true。"
)
