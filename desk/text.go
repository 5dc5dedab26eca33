package desk

// The Chinese texts of the pushes about information items, weekly reports,
// good deeds and the monthly deadlines.
const (
	pushToHead           = "【信息待审核】%s（%s）报送信息%s，编号 %s。请审核：回复“通过 %s”或“退回 %s 原因”。"
	pushToOffice         = "【信息待采用】%s %s报送信息%s，编号 %s（单位未设负责人，直接报送）。回复“采用 编号 级别 [媒体]”或“不采用 编号”。"
	pushToOfficeApproved = "【信息待采用】%s已审核通过%s信息%s，编号 %s。回复“采用 编号 级别 [媒体]”或“不采用 编号”。"
	pushApproved         = "您报送的 %s《%s》已由%s审核通过，已转%s。"
	pushReturned         = "您报送的 %s《%s》被%s退回：%s。请修改后回复“补充 %s 字段：内容”重新报送。"
	pushAdopted          = "您报送的 %s《%s》已被采用：%s。按最高级别计奖励 %d 元。"
	pushToLeader         = "【信息待签发】%s信息%s已被采用（%s），编号 %s。如需签发，回复“签发 %s”。"
	pushRejected         = "您报送的 %s《%s》未被采用，原因：%s。"
	pushSigned           = "您报送的 %s《%s》已由%s签发，登记编号 %s。"
	pushSignedOffice     = "【已签发】%s《%s》已由%s签发，登记编号 %s，请登记存档。"
	pushGoodDeed         = "【好人好事】%s（%s）报告：%s（编号 %s）"
	pushMediaSummary     = "【媒体采用汇总】%s %s：\n%s"
)
