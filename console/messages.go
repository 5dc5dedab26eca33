package console

import "github.com/baosong/baosong/org"

// The console's Chinese texts.
const (
	msgLinkRefused   = "登录链接无效、已使用或已过期（链接 10 分钟内有效，只能使用一次）。请在聊天中重新发送“看板”获取新链接。"
	msgLoginFirst    = "请先登录：在企业微信或钉钉中向报送机器人发送“看板”，打开回复中的链接。"
	msgLogoutRefused = "退出请求无效，请从看板页面点击“退出”。"
	msgLoggedOut     = "您已退出看板。需要时在聊天中发送“看板”重新登录。"
	msgNotFound      = "没有找到该记录。"
	msgForbidden     = "该内容不在您的查看范围内。"
	msgBadPeriod     = "时段格式应为 2026-11、2026Q4 或 2026。"
	msgFailed        = "看板暂时无法读取数据，请稍后再试；如持续出现请联系管理员。"
)

func roleName(r string) string {
	if n, ok := org.RoleNames[r]; ok {
		return n
	}
	return r
}
