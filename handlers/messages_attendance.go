package handlers

// The Chinese texts of the attendance family (考勤, 更正, 撤回, 未交, 统计,
// 预警, 确认汇总).
const (
	msgAttTemplate = "格式示例：\n" +
		"考勤 旷课：张三2节，李四一节；晚归：王五；夜不归宿：无\n" +
		"考勤 请假：赵六 3节 病假 批准人 刘老师；擅自离校：孙七 2天\n" +
		"考勤 全勤\n" +
		"可加日期（周四、11月26日）；班主任带多个班请写班级，如：考勤 高一(2)班 全勤"
	msgAttUnread             = "没能读懂这条考勤（%s），未记录。\n" + msgAttTemplate
	msgAttNoClass            = "您的账号没有关联班级，无法报送考勤。请联系管理员。"
	msgAttPickClass          = "您负责多个班级（%s），请写明班级，如：考勤 %s 全勤"
	msgAttUnknownClass       = "没有找到班级“%s”。"
	msgAttNotYourClass       = "抱歉，您只能报送本班（%s）的考勤，%s的考勤未记录。"
	msgAttFutureDate         = "日期 %s 还没到，未记录。请写已发生的日期，如“今天”“周四”。"
	msgAttNoForm             = "当前没有需要报送的日常信息报表（假期中），未记录。"
	msgAttDateTooOld         = "日期 %s 属于 %s截止的报表。考勤只能报送本期和上期（%s截止起）的报表，未记录。更早的报表如需补录或修改，请联系政教处更正。"
	msgAttEntryTooOld        = "%s 属于 %s截止的报表，只能修改本期和上期（%s截止起）的报表，未修改。如需更正，请联系政教处。"
	msgAttMonthConfirmed     = "%s %s日常信息月度汇总已由%s于 %s 确认，该月报表不能再报送或修改，未记录。如确需修改，请政教处先发送“重开汇总 %d月”。"
	msgAttAccepted           = "已收到 %s：%s %s截止的日常信息报表（%s）。"
	msgAttByDate             = "（按消息中的日期 %s 归入该期）"
	msgAttLateOther          = "注意：这条补交了上期未交的报表。本期报表（%s截止）请另行报送。"
	msgAttEarlier            = "本期报表已有 %s，内容合并计算；如有重复，可“撤回 编号”。"
	msgAttEarlierMany        = "本期报表已有 %d 条（最近的是 %s），内容合并计算；如有重复，可“撤回 编号”。"
	msgAttNotified           = "已通知班主任（%s）及时联系家长。"
	msgAttPending            = "请假未写批准人，已标记“待补请假条”。"
	msgAttCrossing           = "预警：%s 本月%s，达到“%s”，已报告班主任、年级组长和政教处。"
	msgAttHowTo              = "如需修改：更正 %s 后写全部内容，如 更正 %s %s；撤回：撤回 %s"
	msgAttExamplePlaceholder = "旷课：姓名2节"

	msgAttNotWhole        = "这条考勤没有完全读懂，未记录。"
	msgAttUnderstood      = "已读懂：%s"
	msgAttNothingRead     = "（无）"
	msgAttNotUnderstood   = "未读懂：%s"
	msgAttRepeated        = "重复：%s 出现了两次（%s），是同一件事还是两次？请合并为一项。"
	msgAttOffRoster       = "名单中没有“%s”，是否为“%s”？"
	msgAttOffRosterNoHint = "名单中没有“%s”，请核对姓名。"
	msgAttSendAgain       = "请核对后把整条考勤重新发送一遍，如：考勤 旷课：姓名2节；晚归：姓名；请假：姓名 1天 病假 批准人 刘老师"
	msgAttTooManyHours    = "%s：%s 超过一期报表每项最多 %d 节，未记录。请核对后把整条考勤重新发送一遍。"
	msgAttTooManyDays     = "%s：%s 超过本期报表的 %d 天，未记录。请核对后把整条考勤重新发送一遍。"
	msgAttTooManyDaysAway = "%s：%s 超过本期和上期报表合计的 %d 天，未记录。请核对后把整条考勤重新发送一遍。"
	msgAttStateOnTime     = "按时"
	msgAttStateLate       = "迟交"

	msgAttIDUsage      = "请写明考勤编号，如：%s A12（或：%s上一条）"
	msgAttNoLatest     = "您还没有报送过考勤，没有可以%s的记录。"
	msgAttCorrectUsage = "请写出更正后的全部内容，如：更正 A12 旷课：张三2节（改为无异常：更正 A12 无异常）"
	msgAttNotAttID     = "%s 不是考勤编号（考勤编号以 A 开头，如 A12）。"
	msgAttNoEntry      = "没有找到考勤 %s。"
	msgAttNotYours     = "抱歉，只有报送人、本班班主任或政教处可以修改 %s。"
	msgAttWithdrawnYet = "%s 已撤回，不能再修改；如需重新报送，请直接发送考勤。"
	msgAttCorrected    = "已更正 %s（%s %s截止的报表，第 %d 次更正），现为：\n%s"
	msgAttDateIgnored  = "更正不改变所属报表；如日期或班级有误，请撤回后重新报送。"
	msgAttWithdrawn    = "已撤回 %s（%s %s截止的报表），记录保留备查。"
	msgAttNowMissing   = "该期报表现已没有有效记录，视为未交，请重新报送。"
	msgAttNowOpen      = "该期报表现已没有有效记录，请在截止前报送。"
	msgAttStillHas     = "该期报表仍有 %s。"

	msgAttMissingHead = "截至 %s 的报表未交（%d/%d 个班）：%s"
	msgAttMissingNone = "截至 %s 的报表已全部提交（%d 个班）。"
	msgAttOpenHead    = "本期 %s截止，尚未提交（%d/%d 个班）：%s"
	msgAttOpenNone    = "本期 %s截止，已全部提交。"
	msgAttNoClasses   = "您的查看范围内没有班级。"

	msgAttBadMonth     = "没看懂月份“%s”，请写如“11月”“2026年11月”“上月”。"
	msgAttNotInScope   = "抱歉，您无权查看%s的考勤。"
	msgAttSummaryHead  = "%s 日常信息月度汇总（%s）"
	msgAttSummaryForms = "%s：报表 按时 %d／迟交 %d／未交 %d%s"
	msgAttSummaryOpen  = "／未到期 %d"
	msgAttSummaryNone  = "  本期无缺勤记录"
	msgAttConfirmed    = "%s：已由%s于 %s 确认"
	msgAttUnconfirmed  = "%s：尚未确认（%d日前由年级组长确认）"
	msgAttNoWarnings   = "%s 暂无达到预警等级的学生（%s）。"
	msgAttWarningsHead = "%s 预警学生（%s）："
	msgAttConfirmOpen  = "%s 尚未结束，月末后再确认汇总。"
	msgAttConfirmDone  = "已确认 %s %s 日常信息月度汇总：报表 按时 %d／迟交 %d／未交 %d，预警学生 %d 人。已告知政教处。"
	msgAttConfirmAgain = "%s %s 日常信息月度汇总已由%s于 %s 确认，无需重复确认。"
	msgAttNoGrade      = "您的账号没有关联年级，无法确认汇总。"
	msgAttReopenNone   = "%s %s日常信息月度汇总尚未确认，无需重开。"
	msgAttReopened     = "已重开 %s %s 日常信息月度汇总（原由%s于 %s 确认）。该月报表现可补报和更正，完成后请年级组长重新发送“确认汇总 %d月”；已告知年级组长。"
)

// The Chinese texts of the absence follow-up (查明, 未查明; 篇3).
const (
	msgCauseUsage         = "请写明考勤编号和学生，如：查明 A12 张三 发烧在家，家长已知晓；未能查明：未查明 A12 张三。编号见缺勤告知。"
	msgCauseNotYours      = "抱歉，只有%s班主任、政教处或管理员可以回复 %s 的缺勤原因。"
	msgCauseNone          = "%s 没有需要查明原因的缺勤（旷课、夜不归宿、擅自离校）。"
	msgCausePick          = "%s 有多名学生缺勤（%s），请写明学生，如：%s %s %s 原因。"
	msgCauseNeedText      = "请写明 %s %s 的缺勤原因，如：查明 %s %s 发烧在家，家长已知晓。"
	msgCauseWithdrawn     = "%s 已撤回，无需回复缺勤原因。"
	msgCauseNoStudent     = "%s 中没有“%s”的缺勤记录。"
	msgCauseNobody        = "本年级未设年级组长，未推送"
	msgCauseFound         = "已记录 %s %s 的缺勤原因：%s。已报告：%s。"
	msgCauseFoundAfter    = "此前该缺勤已按未查明上报，已一并告知政教处及分管领导。"
	msgCauseCovered       = "同一报表 %s 中 %s 的缺勤原因一并记录。"
	msgCauseNotFound      = "已记录 %s %s 未查明缺席原因，已报告：%s。请继续联系家长，查明后回复：查明 %s %s 原因。"
	msgCauseNotFoundAgain = "已记录。%s %s 已于 %s 按未查明上报，不再重复推送。查明后请回复：查明 %s %s 原因。"
)
