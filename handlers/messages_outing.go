package handlers

// Texts of the outing notices (外出, 已通知; 篇10).
const (
	msgOutingExample   = "外出 高一(1)班 12月10日 参观科技馆"
	msgOutingTemplate  = "请写明班级、日期和活动，例如：外出 高一(1)班 12月10日 8:30 去科技馆参观 45人（不足一个工作日的请注明“紧急”）。"
	msgOutingNoDay     = "没有读到外出日期，外出活动未登记。" + msgOutingTemplate
	msgOutingNoWhat    = "没有读到外出活动的内容或地点，外出活动未登记。" + msgOutingTemplate
	msgOutingPast      = "外出日期 %s 已过，外出活动未登记。请核对日期后重新发送。"
	msgOutingTooLate   = "外出活动须至少提前一个工作日登记：%s的活动最迟应于%s %s 前登记，以便班主任提前一天通知家长。本次未登记。如确需外出，请在消息中注明“紧急”重新发送，系统将立即提醒班主任通知家长。"
	msgOutingUnknown   = "没有找到班级“%s”，外出活动未登记。"
	msgOutingNotYours  = "抱歉，您只能登记本班（%s）的外出活动；%s的外出活动请由该班班主任或%s登记。本次未登记。"
	msgOutingPickClass = "您负责多个班级（%s），请写明班级，如：外出 %s 12月10日 参观科技馆"
	msgOutingWhichOne  = "请写明外出的班级，如：" + msgOutingExample
	msgOutingNoClass   = "您的账号没有关联班级，无法登记外出活动。请联系管理员。"
	msgOutingReceived  = "已登记外出活动 %s：%s。"
	msgOutingRemind    = "\n班主任（%s）将于%s %s 收到提醒，请在当天通知学生家长（监护人）后回复“已通知 %s”；%s 前未确认的将报%s。"
	msgOutingNow       = "\n紧急外出：请班主任（%s）立即通知学生家长（监护人），通知后回复“已通知 %s”。"
	msgOutingNoTeacher = "该班未登记班主任，请%s安排"
	msgOutingTold      = "\n已告知：%s。"
	msgOutingNeedID    = "请注明外出活动编号，例如：已通知 O3。"
	msgOutingPending   = "\n待确认的外出活动：%s"
	msgOutingNoSuch    = "没有找到外出活动 %s。"
	msgOutingNotHolder = "只有%s的班主任可以确认 %s 已通知家长。"
	msgOutingConfirmed = "已记录：%s（%s）已通知学生家长。"
	msgOutingAgain     = "%s 已于 %s 由%s确认通知家长，无需重复确认。"
)
