package parse

import "testing"

func TestConfidential(t *testing.T) {
	marked := []string{
		// At the start of the body, a line or a title.
		"机密文件 请勿外传",
		"内部资料 请勿外传",
		"绝密★长期\n关于调整考试安排的通知",
		"关于调整考试安排的通知\n机密★1年",
		"标题：机密文件 正文：……",
		"标题:内部资料汇编",
		"涉密材料清单",
		"秘密★6个月",
		"秘密，请勿外传",
		"秘密 请勿外传",
		"秘密级文件：期中考试试题",
		"秘密文件已送达",
		// In brackets.
		"【绝密】高考试卷保管情况",
		"（机密）关于某事的说明",
		"(秘密) 考场安排",
		"【秘密】",
		"〔内部资料〕教学简报",
		"通知（涉密）",
		// With ★ and a period, anywhere.
		"关于期末考试的安排 秘密★1年",
		"文件秘密★3个月",
		"绝密☆10年",
		// 密级：X.
		"密级：秘密",
		"密级:内部",
		"密 级 ： 机密",
		"密級：機密",
		// Spaces, zero-width characters and traditional forms.
		"秘　密★1年 期末试卷",
		"机 密 文件",
		"机\u200b密文件",
		"机\u200d密\ufeff★1年",
		"內部資料",
		"機密文件",
		"絕密★長期",
		"祕密★1年",
		"内部 资料 请勿外传",
		"内\u2060部\u00a0资 料",
		"@报送助手 机密 文件",
	}
	plain := []string{
		"",
		"（不涉密）",
		"（不涉密）关于运动会的通知",
		"密级：非涉密",
		"密级：公开",
		"密级: 无",
		"本文非涉密，可以公开",
		"无涉密内容",
		"秘密花园主题读书会",
		"标题：秘密花园主题读书会 正文：……",
		"神秘密室逃脱活动",
		"学生留下遗书称心中藏着秘密，已离校失联",
		"学校机房计算机密码被盗",
		"保密级别一般",
		"他说这是我们之间的小秘密",
		"信息安全保密教育",
		"高一(1)班3名学生午餐后腹痛，已送县医院",
	}
	for _, s := range marked {
		if !Confidential(s) {
			t.Errorf("not seen as a marking: %q", s)
		}
	}
	for _, s := range plain {
		if Confidential(s) {
			t.Errorf("taken for a marking: %q", s)
		}
	}
}

// FuzzConfidential: any text is read without a panic.
func FuzzConfidential(f *testing.F) {
	for _, s := range []string{"机密", "密级：", "密级", "秘密★", "内部 资", "\u200b", "不涉密"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { Confidential(s) })
}
