package handlers

// The Chinese texts of the incident family (急报, 收到, 续报, 书面, 结案, 急报列表).
const (
	msgIncidentExample = "急报 高一(1)班3名学生午餐后腹痛，已送县医院，其中1人住院观察"
	msgIncidentUsage   = "请在“急报”后写明发生了什么，例如：\n" + msgIncidentExample +
		"\n尽量写明时间、地点、伤亡（几人受伤、住院）、财产损失、已采取的措施。"

	msgIncidentReported   = "已收到急报 %s，%s。"
	msgIncidentNotified   = "已通知：%s"
	msgIncidentNotifying  = "正在通知：%s…（%s后仍未送达会告诉您）"
	msgIncidentNotReached = "无法送达：%s（请电话联系）"
	msgIncidentSeverity   = "\n定级：%s"
	msgIncidentUnderstood = "\n识别：%s"
	msgIncidentWrittenDue = "\n请于 %s 前提交书面报告（先口头后书面）：发送“书面 %s 报告内容”。"
	msgIncidentMissing    = "\n书面报告请补充：%s。"
	msgIncidentUpward     = "\n此事须报上级，已起草上报材料送%s。"
	msgIncidentNext       = "\n领导确认后会通知您；有新情况请发“续报 %s …”（识别有误也请在续报中更正）。"

	msgAcked = "已确认急报 %s（%s）。\n%s %s报告：%s\n已通知：%s。系统停止升级提醒。" +
		"\n后续进展可发“续报 %s …”，处置完毕发“结案 %s …”。"
	msgAckedBefore = "急报 %s 已由%s于 %s 确认，无需重复确认。"
	msgAckNeedID   = "请写明要确认的急报编号，例如：收到 E3"
	msgAckNone     = "目前没有待确认的急报。"
	msgAckWhich    = "有多条待确认的急报：%s。请写明编号，例如：收到 %s"

	msgFollowUpWhat  = "是要续报 %s 吗？请发“续报 %s 最新情况”。"
	msgFollowUpEmpty = "请在编号后写明续报内容，例如：续报 %s 学生已出院"
	msgFollowedUp    = "已续报 %s，已推送给：%s。"
	msgChanges       = "\n变化：%s。"
	msgNoChanges     = "\n人数、损失等情况无变化。"
	msgCurrentLevel  = "\n当前定级：%s"
	msgMayLower      = "\n按现有情况可定为“%s”；定级只由领导下调：分管领导可发“定级 %s %s 理由”。"
	msgLevelWhy      = "%s（定级依据：%s）"

	msgGradeUsage     = "请写明急报编号和定级，例如：定级 E3 一般 经核实学生仅轻微擦伤（定级可为：一般、重大、须报上级）"
	msgGraded         = "已更正急报 %s 的%s，已记入处置记录并通知：%s。"
	msgGradeNoReason  = "\n建议补充理由，例如：定级 %s %s 经核实……"
	msgNeedIncidentID = "请写明急报编号，例如：续报 E3 最新情况。发送“我的”可查看您的急报。"
	msgWhichIncident  = "您有多条未结案的急报：%s。请写明编号，例如：续报 %s …"

	msgWrittenEmpty        = "请在编号后写明书面报告内容，例如：书面 %s 11月26日12时40分，在……。（%s 为急报编号）"
	msgWrittenOnTime       = "已收到 %s 的书面报告，按时提交（截止 %s）。"
	msgWrittenLate         = "已收到 %s 的书面报告，但已逾期（截止 %s，提交于 %s），将记入报送台账。"
	msgWrittenStillMissing = "\n书面报告仍缺：%s。如有，请发“续报 %s …”补充。"
	msgWrittenTold         = "\n已推送给：%s。"

	msgCloseNeedID = "请写明要结案的急报编号和处置结果，例如：结案 E3 学生均已康复返校"
	msgClosed      = "急报 %s 已结案，已通知：%s。"

	msgIncidentNotFound    = "没有找到急报 %s，请核对编号（发送“我的”可查看）。"
	msgIncidentClosed      = "急报 %s 已于 %s 结案，不再接收续报。如有新情况，请发“急报 …”重新报告。"
	msgIncidentClosedShort = "急报 %s 已结案，不能再更改。如有新情况，请发“急报 …”重新报告。"
	msgIncidentForbidden   = "抱歉，您不能处理急报 %s：续报和书面报告由报告人、其单位教职工、领导或办公室提交；结案由分管领导、报告人单位负责人或办公室办理。"

	msgNoOpenIncidents = "目前没有未结案的急报。"
	msgOpenIncidents   = "未结案的急报 %d 条："

	msgLine               = "%s %s %s %s·%s｜%s｜%s"
	msgLineUnacked        = "待确认"
	msgLineAcked          = "%s已确认"
	msgLineClosed         = "已结案"
	msgLineWrittenPending = "书面报告 %s 前"
	msgLineWrittenOnTime  = "书面按时"
	msgLineWrittenLate    = "书面逾期"
	msgLineWrittenMissing = "书面未交"

	msgNobody = "（无）"
	msgGroup  = "群“%s”"
)
