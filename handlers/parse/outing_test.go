package parse

import (
	"fmt"
	"testing"
	"time"
)

func TestOuting(t *testing.T) {
	// Sunday 2026-12-06 10:00.
	ref := time.Date(2026, 12, 6, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, c := range []struct{ in, want string }{
		{"高一(1)班 12月10日 参观科技馆",
			"class=高一(1)班 day=2026-12-10 time= place= students=0 urgent=false activity=参观科技馆"},
		{"高一(1)班12月10日组织学生外出参观科技馆",
			"class=高一(1)班 day=2026-12-10 time= place= students=0 urgent=false activity=参观科技馆"},
		{"高一（1）班，12月10日上午8:30，去科技馆参观，共45人",
			"class=高一(1)班 day=2026-12-10 time=08:30 place=科技馆 students=45 urgent=false activity=参观"},
		{"紧急 明天下午2点到5点 到消防站参观学习 学生40人",
			"class= day=2026-12-07 time=14:00-17:00 place=消防站 students=40 urgent=true activity=参观学习"},
		// On a Sunday 下周三 is the coming Wednesday (weeks start on Monday).
		{"下周三 高二(2)班 秋游 地点：植物园 人数：四十五",
			"class=高二(2)班 day=2026-12-09 time= place=植物园 students=45 urgent=false activity=秋游"},
		{"周五 全天 社会实践 45名学生",
			"class= day=2026-12-11 time=全天 place= students=45 urgent=false activity=社会实践"},
		{"高一(1)班定于12月10日带领学生到科技馆参观",
			"class=高一(1)班 day=2026-12-10 time= place=科技馆 students=0 urgent=false activity=参观"},
		// A date without a year months past is next year's; a recent one stays past.
		{"3月20日 高一(1)班 去植物园", "class=高一(1)班 day=2027-03-20 time= place=植物园 students=0 urgent=false activity="},
		{"12月1日 参观", "class= day=2026-12-01 time= place= students=0 urgent=false activity=参观"},
		{"2026年3月20日 参观", "class= day=2026-03-20 time= place= students=0 urgent=false activity=参观"},
		{"", "class= day= time= place= students=0 urgent=false activity="},
	} {
		if got := understood(Outing(c.in, ref)); got != c.want {
			t.Errorf("Outing(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func FuzzOuting(f *testing.F) {
	for _, s := range []string{"高一(1)班 12月10日 参观科技馆", "紧急 明天下午2点到5点 到消防站", "地点:", "人数:9999999999999999999", "周"} {
		f.Add(s)
	}
	ref := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		_ = understood(Outing(s, ref))
	})
}

// understood is the notice as understood, field by field.
func understood(o OutingNotice) string {
	class := ""
	if o.Class != nil {
		class = o.Class.String()
	}
	day := ""
	if !o.Day.IsZero() {
		day = o.Day.Format(time.DateOnly)
	}
	return fmt.Sprintf("class=%s day=%s time=%s place=%s students=%d urgent=%t activity=%s",
		class, day, o.Time, o.Place, o.Students, o.Urgent, o.Activity)
}
