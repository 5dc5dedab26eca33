package parse

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// OutingNotice is what an outing notice (外出, 篇10) says, read from the
// text after its keyword. Pieces not given are zero.
type OutingNotice struct {
	Class    *ClassRef
	Day      time.Time // midnight in ref's location
	Time     string    // "08:30", "08:00-16:00", "上午", "全天"
	Place    string
	Activity string
	Students int
	Urgent   bool // 紧急 anywhere in the text
}

// Outing reads an outing notice relative to ref, the message time. The
// pieces may come in any order, separated by spaces or punctuation, or run
// together: "高一(1)班 12月10日 参观科技馆", "高一(1)班12月10日组织学生外出参观科技馆",
// "紧急 明天下午2点 去科技馆参观 45人", "地点：科技馆 人数：45".
//
//   - the class as ParseClass reads it;
//   - the day looks ahead, as plans do: 明天/明日, 后天, 大后天, 下周X, a bare
//     周X is the next such day (today included), 本周X this week's; 今天 and
//     calendar dates as LeadingDate reads them, except that a date without a
//     year more than three months past is next year's (3月20日 written in
//     December is next spring's);
//   - a time: a clock (8:30, 上午8点, 下午2点半) optionally with an end
//     (8:00-16:00, 8点至16点), or 上午/下午/全天/中午/晚上 alone;
//   - the number of students: 45人, 45名学生, 学生45人, 共45人, 人数：45;
//   - the place: 地点：X, or X after 去/到/赴/前往/在 (a trailing 参观, 游览 …
//     stays the activity: 去科技馆参观 is 参观 at 科技馆);
//   - filler words (组织学生外出, 定于, 组织, 外出, 开展 …) are dropped; the
//     rest is the activity.
func Outing(text string, ref time.Time) OutingNotice {
	var o OutingNotice
	s := Normalize(text)
	for _, mark := range []string{"[紧急]", "(紧急)", "紧急"} {
		if strings.Contains(s, mark) {
			o.Urgent = true
			s = strings.ReplaceAll(s, mark, " ")
		}
	}
	var activity []string
	segments := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",、;。!", r)
	})
	for _, seg := range segments {
		if rest := o.read(seg, ref); rest != "" {
			activity = append(activity, rest)
		}
	}
	o.Activity = strings.Join(activity, " ")
	return o
}

// OutingKinds are the keywords of an outing that also name its activity.
var OutingKinds = []string{"春游", "秋游", "社会实践", "研学"}

// OutingKind is the activity the keyword of an outing message names (春游
// 高一(1)班 下周三 去植物园): one of OutingKinds, "" for 外出 and the others.
// text is the whole message.
func OutingKind(text string) string {
	s := Normalize(text)
	for _, k := range OutingKinds {
		if strings.HasPrefix(s, k) {
			return k
		}
	}
	return ""
}

// read takes the known pieces off the front of a segment and returns what
// is left of it as activity text.
func (o *OutingNotice) read(seg string, ref time.Time) string {
	for seg != "" {
		seg = strings.TrimLeft(seg, ":-~")
		if c, rest, ok := LeadingClass(seg); ok {
			if o.Class == nil {
				o.Class = &c
			}
			seg = rest
			continue
		}
		if d, rest, ok := leadingPlanDate(seg, ref); ok {
			o.Day, seg = d, rest
			continue
		}
		if t, rest, ok := leadingOutingTime(seg); ok {
			o.Time, seg = t, rest
			continue
		}
		if n, rest, ok := leadingHeadcount(seg); ok {
			o.Students, seg = n, rest
			continue
		}
		if label, rest, ok := cutAnyPrefix(seg, "地点", "人数", "时间", "日期", "班级", "活动内容", "活动", "内容", "事由"); ok {
			rest = strings.TrimLeft(rest, ":")
			switch label {
			case "地点":
				o.Place = rest
				return ""
			case "人数":
				if n, after, ok := LeadingNumber(rest); ok {
					o.Students = n
					rest = strings.TrimLeft(after, "人名学生")
				}
			case "活动内容", "活动", "内容", "事由":
				return rest
			}
			seg = rest
			continue
		}
		if _, rest, ok := cutAnyPrefix(seg, "前往", "去", "到", "赴", "在"); ok && rest != "" {
			place, act := rest, ""
			for _, verb := range outingVerbs {
				if p, found := strings.CutSuffix(rest, verb); found && p != "" {
					place, act = p, verb
					break
				}
			}
			o.Place = place
			return act
		}
		if _, rest, ok := cutAnyPrefix(seg, outingFiller...); ok {
			seg = rest
			continue
		}
		return seg
	}
	return ""
}

// outingFiller are words that say "an outing" and nothing more; longest first.
var outingFiller = []string{"组织学生外出", "组织全班学生", "组织全体学生", "组织学生", "带领学生", "带学生", "学生外出",
	"外出活动", "计划于", "定于", "将于", "拟于", "组织", "开展", "举行", "外出", "全班", "全体", "学生", "准备", "计划", "于"}

// outingVerbs end a place written with 去/到 and are the activity: 去科技馆参观.
var outingVerbs = []string{"参观学习", "参观", "游览", "学习", "研学", "春游", "秋游", "实践", "活动", "比赛", "演出"}

// halfDays are times of day written without a clock.
var halfDays = []string{"全天", "上午", "下午", "中午", "晚上"}

// cutAnyPrefix cuts the first of prefixes that s starts with.
func cutAnyPrefix(s string, prefixes ...string) (prefix, rest string, ok bool) {
	for _, p := range prefixes {
		if after, found := strings.CutPrefix(s, p); found {
			return p, after, true
		}
	}
	return "", s, false
}

// leadingOutingTime reads a clock, a clock range or a half day.
func leadingOutingTime(s string) (string, string, bool) {
	from, rest, ok := LeadingClock(s)
	if !ok {
		if w, rest, ok := cutAnyPrefix(s, halfDays...); ok {
			return w, rest, true
		}
		return "", s, false
	}
	t := from.String()
	if _, after, ok := cutAnyPrefix(rest, "-", "~", "至", "到"); ok {
		if to, after, ok := LeadingClock(after); ok {
			if to.Period == "" && to.Hour < from.Hour && to.Hour+12 < 24 {
				to.Hour += 12 // 下午2点到5点
			}
			t, rest = t+"-"+to.String(), after
		}
	}
	return t, rest, true
}

// leadingHeadcount reads 45人, 45名学生, 学生45人, 共45人, 共计45名.
func leadingHeadcount(s string) (int, string, bool) {
	_, body, _ := cutAnyPrefix(s, "共计", "共", "学生")
	n, rest, ok := LeadingNumber(body)
	if !ok || n == 0 {
		return 0, s, false
	}
	if _, rest, ok := cutAnyPrefix(rest, "名学生", "位学生", "名同学", "名", "人"); ok {
		return n, rest, true
	}
	return 0, s, false
}

// leadingPlanDate reads a date that looks ahead (see Outing).
func leadingPlanDate(s string, ref time.Time) (time.Time, string, bool) {
	today := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, ref.Location())
	if w, rest, ok := cutAnyPrefix(s, "大后天", "后天", "明天", "明日"); ok {
		return today.AddDate(0, 0, map[string]int{"大后天": 3, "后天": 2, "明天": 1, "明日": 1}[w]), rest, true
	}
	refIdx := (int(ref.Weekday()) + 6) % 7 // Monday 0
	if w, rest, ok := cutAnyPrefix(s, "下周", "下星期", "下礼拜", "星期", "礼拜", "周"); ok {
		r, size := utf8.DecodeRuneInString(rest)
		if idx, ok := weekdayIndex(r); ok {
			offset := (idx - refIdx + 7) % 7 // the next such day, today included
			if strings.HasPrefix(w, "下") {
				offset = idx - refIdx + 7
			}
			return today.AddDate(0, 0, offset), rest[size:], true
		}
	}
	d, rest, ok := LeadingDate(s, ref)
	if !ok {
		return time.Time{}, s, false
	}
	written := s[:len(s)-len(rest)]
	explicitYear := strings.Contains(written, "年") ||
		(len(written) > 4 && strings.ContainsRune("-/.", rune(written[4])) && isArabicStart(written))
	if !explicitYear && d.Before(today.AddDate(0, -3, 0)) {
		d = d.AddDate(1, 0, 0)
	}
	return d, rest, true
}
