package parse

import "strings"

// The small words of commands: what follows a record id in 采用, 定级,
// 收到, 续报, 更正 and 撤回.

// adoptionWords maps what the office writes to an adoption level, as the
// desk records them (篇5: 内刊 to 国家级).
var adoptionWords = map[string]string{
	"内刊": "内刊", "内部刊物": "内刊", "县级": "县级", "县": "县级", "市级": "市级", "市": "市级",
	"区级": "区级", "区": "区级", "自治区级": "区级", "省级": "省级", "省": "省级",
	"国家级": "国家级", "国家": "国家级", "中央级": "国家级", "中央": "国家级",
}

// Adoption reads the level and the medium of 采用 S5 市级 今日头条: the
// first word that names a level (市级, 市, 市级媒体, 市级采用) is the level,
// the other words, joined by a space, the medium. ok is false without a
// level word.
func Adoption(s string) (level, media string, ok bool) {
	var others []string
	for _, f := range strings.Fields(s) {
		w := strings.TrimSuffix(strings.TrimSuffix(f, "媒体"), "采用")
		if lv, hit := adoptionWords[w]; hit && !ok {
			level, ok = lv, true
			continue
		}
		others = append(others, f)
	}
	return level, strings.Join(others, " "), ok
}

// Severity reads the level a leader sets with 定级 E3 重大 经核实…, as the
// incident package spells it: 一般, 重大, 须报上级 (also 需报上级, 报上级),
// after an optional 为 or colon; reason is what follows.
func Severity(s string) (level, reason string, ok bool) {
	s = strings.TrimLeft(s, " 为:：")
	for _, l := range []struct{ word, level string }{
		{"须报上级", "须报上级"}, {"需报上级", "须报上级"}, {"报上级", "须报上级"}, {"重大", "重大"}, {"一般", "一般"},
	} {
		if rest, found := strings.CutPrefix(s, l.word); found {
			return l.level, strings.TrimLeft(rest, " \t,，:：、;；。."), true
		}
	}
	return "", "", false
}

// latestWords name the sender's latest record instead of its id.
var latestWords = []string{"上一条", "上条", "刚才那条", "刚才的", "刚才", "最后一条", "最新一条"}

// Latest reads a word for the sender's latest record at the start of s
// (撤回上一条, 更正刚才那条 旷课：张三1节); rest is what follows it.
func Latest(s string) (rest string, ok bool) {
	s = strings.TrimSpace(s)
	for _, w := range latestWords {
		if after, found := strings.CutPrefix(s, w); found {
			return strings.TrimLeft(after, " ,，:：、;；"), true
		}
	}
	return s, false
}

// ackWords acknowledge an incident when they are all that follows its id
// (E3 收到).
var ackWords = []string{"收到", "确认", "已收到", "收到了"}

// Ack reports whether s is only an acknowledgement: 收到, 确认, 已收到, 收到了.
func Ack(s string) bool {
	s = strings.TrimSpace(s)
	for _, w := range ackWords {
		if s == w {
			return true
		}
	}
	return false
}

// progressWords make a message that names an incident a 续报 without the word.
var progressWords = []string{"最新进展", "进展", "截至", "截止", "人数上升至", "上升至", "已出院", "出院"}

// Progress reports whether s speaks of an incident's progress (最新进展,
// 截至15时, 人数上升至, 已出院): a message naming an incident with one of
// these is a follow-up even without 续报.
func Progress(s string) bool {
	for _, w := range progressWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
