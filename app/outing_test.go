package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
)

// Outing notices (篇10): 外出 by a teacher or the office, the reminder to
// the class teacher the working day before at 15:00, 已通知 O<n>, the
// office's 18:00 list of the unconfirmed ones.

// outing reads an outing notice straight from the store.
func outing(t *testing.T, ta *testApp, id string) *attendance.Outing {
	t.Helper()
	var o *attendance.Outing
	err := ta.Store.ViewAttendance(func(tx attendance.Tx) error {
		var err error
		o, err = tx.Outing(id)
		return err
	})
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	return o
}

// outingCount is how many outing notices are stored.
func outingCount(t *testing.T, ta *testApp) int {
	t.Helper()
	raws, err := ta.Store.Records("O")
	if err != nil {
		t.Fatal(err)
	}
	return len(raws)
}

func dec(day, hour, minute, second int) time.Time {
	return time.Date(2026, 12, day, hour, minute, second, 0, cst)
}

func TestOutingNoticeEndToEnd(t *testing.T) {
	ta := newTestApp(t, dec(7, 10, 0, 0)) // Monday

	// A class teacher registers an outing of their class three days ahead.
	r := ta.say("teacher-g1c1", "外出 高一(1)班 12月10日 参观科技馆")
	mustContain(t, r, "已登记外出活动 O1：高一(1)班 12月10日（周四） 参观科技馆", "班主任（刘老师）将于12月9日（周三） 15:00 收到提醒",
		"已通知 O1", "18:00 前未确认的将报政教处。", "已告知：政教处郑主任")
	ta.waitInbox("office-1", "【外出登记】刘老师登记外出活动", "参观科技馆", "O1")
	o1 := outing(t, ta, "O1")
	if o1.Unit != "g1c1" || o1.Date != "2026-12-10" || o1.Submitter != "teacher-g1c1" || o1.Activity != "参观科技馆" ||
		!o1.RemindAt.Equal(dec(9, 15, 0, 0)) || o1.NotifiedAt != nil || o1.Urgent {
		t.Errorf("O1 = %+v", o1)
	}

	// The office, in its own words: a time, a place and the number of students.
	r = ta.say("office-1", "组织学生外出 高一(2)班 12月10日上午8:30，去科技馆参观，共45人")
	mustContain(t, r, "已登记外出活动 O2：高一(2)班 12月10日（周四）08:30 参观（地点：科技馆，学生 45 人）", "已告知：杨老师")
	ta.waitInbox("teacher-g1c2", "【外出活动】政教处郑主任已登记外出活动", "O2", "请最迟于12月9日（周三）通知学生家长", "已通知 O2")
	if o2 := outing(t, ta, "O2"); o2.Unit != "g1c2" || o2.Time != "08:30" || o2.Place != "科技馆" || o2.Students != 45 {
		t.Errorf("O2 = %+v", o2)
	}
	ta.settle()
	if n := ta.pushes("office-1", "O2"); n != 0 {
		t.Errorf("the office was told of its own registration: %+v", ta.inbox("office-1"))
	}

	// Wednesday 15:00, the working day before: each class teacher is
	// reminded of their own class's outing.
	ta.setNow(dec(9, 15, 0, 1))
	text := ta.waitInbox("teacher-g1c1", "【外出提醒】12月10日（周四）的外出活动请今天通知学生家长", "O1 高一(1)班", "已通知 O1", "18:00")
	mustNotContain(t, text, "O2")
	ta.waitInbox("teacher-g1c2", "【外出提醒】", "O2 高一(2)班")

	// 已通知: only a teacher of the class; once.
	ta.setNow(dec(9, 16, 10, 0))
	mustContain(t, ta.say("teacher-g1c2", "已通知 O1"), "只有高一(1)班的班主任可以确认 O1 已通知家长")
	if outing(t, ta, "O1").NotifiedAt != nil {
		t.Fatal("another class's teacher confirmed O1")
	}
	mustContain(t, ta.say("teacher-g1c1", "已通知 O1"), "已记录：O1（高一(1)班 12月10日（周四） 参观科技馆）已通知学生家长")
	if o := outing(t, ta, "O1"); o.NotifiedAt == nil || !o.NotifiedAt.Equal(dec(9, 16, 10, 0)) || o.NotifiedBy != "teacher-g1c1" {
		t.Errorf("O1 after 已通知 = %+v", o)
	}
	ta.setNow(dec(9, 16, 20, 0))
	mustContain(t, ta.say("teacher-g1c1", "已通知家长 #o1"), "O1 已于 12-09 16:10 由刘老师确认通知家长，无需重复确认")
	if o := outing(t, ta, "O1"); !o.NotifiedAt.Equal(dec(9, 16, 10, 0)) {
		t.Errorf("a second 已通知 changed O1: %+v", o)
	}
	mustContain(t, ta.say("teacher-g1c1", "已通知 O9"), "没有找到外出活动 O9")
	mustContain(t, ta.say("teacher-g1c2", "已通知"), "请注明外出活动编号", "待确认的外出活动：O2 高一(2)班")

	// 18:00: the office gets the outing still unconfirmed, with its teacher.
	ta.setNow(dec(9, 18, 0, 1))
	office := ta.waitInbox("office-1", "【外出未通知家长】以下 1 项外出活动（12月10日（周四））", "O2 高一(2)班", "班主任：杨老师")
	mustNotContain(t, office, "O1")
	ta.settle()
	for member, part := range map[string]string{"teacher-g1c1": "【外出提醒】", "teacher-g1c2": "【外出提醒】", "office-1": "【外出未通知家长】"} {
		if n := ta.pushes(member, part); n != 1 {
			t.Errorf("%s has %d pushes with %s", member, n, part)
		}
	}

	// 帮助 lists both commands to teachers, none to cadres.
	mustContain(t, ta.say("teacher-g1c1", "帮助"), "外出：登记学生外出活动", "例：外出 高一(1)班 12月10日 参观科技馆",
		"已通知：确认外出活动已通知学生家长")
	mustNotContain(t, ta.say("cadre-g1c1", "帮助"), "外出", "已通知")

	// 我的 shows the outing and whether the guardians were told.
	mustContain(t, ta.say("teacher-g1c1", "我的"), "O1 外出 高一(1)班 12月10日（周四） 参观科技馆 已通知家长")
	mustContain(t, ta.say("teacher-g1c2", "我的"), "O2 外出 高一(2)班 12月10日（周四）08:30 参观", "待通知家长")
	mustContain(t, ta.say("office-1", "我的"), "O2 外出")

	// The archive keeps them (JSON: new field "outings").
	var dump struct {
		Outings []struct {
			ID         string     `json:"id"`
			Unit       string     `json:"unit"`
			Date       string     `json:"date"`
			NotifiedAt *time.Time `json:"notified_at"`
		} `json:"outings"`
	}
	body := get(t, ta.srv.URL+"/api/export?what=archive&period=2026&format=json")
	if err := json.Unmarshal([]byte(body), &dump); err != nil {
		t.Fatalf("archive: %v\n%s", err, body)
	}
	if len(dump.Outings) != 2 || dump.Outings[0].ID != "O1" || dump.Outings[0].NotifiedAt == nil ||
		dump.Outings[1].Unit != "g1c2" || dump.Outings[1].Date != "2026-12-10" || dump.Outings[1].NotifiedAt != nil {
		t.Errorf("archive outings = %+v", dump.Outings)
	}
}

// withTwoClasses adds 钱老师, the class teacher of both 高二 classes.
func withTwoClasses(c *config.Config) {
	c.Members = append(c.Members, org.Member{ID: "teacher-two", Name: "钱老师", Roles: []string{"teacher"},
		Units: []string{"g2c1", "g2c2"}, Channel: "local"})
}

// Every mistake gets a clear answer and stores nothing, pushes nothing and
// uses up no id.
func TestOutingRefusalsStoreNothing(t *testing.T) {
	ta := newTestApp(t, dec(9, 16, 0, 0), withTwoClasses) // Wednesday, after 15:00
	for _, c := range []struct{ from, text, says string }{
		// Tomorrow's outing after today's 15:00 reminder: too late without 紧急.
		{"teacher-g1c1", "外出 高一(1)班 12月10日 参观科技馆", "外出活动须至少提前一个工作日登记：12月10日（周四）的活动最迟应于12月9日（周三） 15:00 前登记"},
		{"teacher-g1c1", "外出 高一(1)班 明天 参观科技馆", "请在消息中注明“紧急”重新发送"},
		{"teacher-g1c1", "外出 高一(1)班 今天下午 参观科技馆", "最迟应于12月8日（周二） 15:00 前登记"},
		{"teacher-g1c1", "外出 高一(1)班 12月7日 参观科技馆", "外出日期 12月7日（周一） 已过，外出活动未登记"},
		{"teacher-g1c1", "外出 高三(5)班 12月20日 参观科技馆", "没有找到班级“高三(5)班”，外出活动未登记"},
		{"teacher-g1c1", "外出 高一(2)班 12月20日 参观科技馆", "您只能登记本班（高一(1)班）的外出活动；高一(2)班的外出活动请由该班班主任或政教处登记。"},
		{"cadre-g1c1", "外出 高一(1)班 12月20日 参观科技馆", "需要班主任、政教处/办公室身份"},
		{"lead-g1", "春游 高一(1)班 12月20日 去植物园", "需要班主任、政教处/办公室身份"},
		{"officer-1", "外出 高一(1)班 12月20日 参观科技馆", "需要班主任、政教处/办公室身份"},
		{"teacher-g1c1", "外出 高一(1)班 参观科技馆", "没有读到外出日期"},
		{"teacher-g1c1", "外出 高一(1)班 12月20日", "没有读到外出活动的内容或地点"},
		{"office-1", "外出 12月20日 参观科技馆", "请写明外出的班级"},
		{"teacher-two", "外出 12月20日 参观科技馆", "您负责多个班级（高二(1)班、高二(2)班），请写明班级"},
		{"cadre-g1c1", "已通知 O1", "需要班主任身份"},
		{"teacher-g1c1", "已通知 A1", "请注明外出活动编号"},
	} {
		mustContain(t, ta.say(c.from, c.text), c.says)
	}
	ta.settle()
	if n := outingCount(t, ta); n != 0 {
		t.Fatalf("%d outing notices stored by refused messages", n)
	}
	for _, m := range []string{"office-1", "teacher-g1c1", "teacher-g1c2"} {
		if n := ta.pushes(m, "外出"); n != 0 {
			t.Errorf("%s was pushed about a refused outing: %+v", m, ta.inbox(m))
		}
	}
	// A teacher of two classes names one; the first stored notice is O1.
	r := ta.say("teacher-two", "外出 高二(2)班 12月20日 参观科技馆")
	mustContain(t, r, "已登记外出活动 O1：高二(2)班 12月20日（周日） 参观科技馆", "12月18日（周五） 15:00 收到提醒")
}

// 紧急 lets a late outing through and reminds the class teacher at once;
// Friday's reminder and list cover the weekend and Monday.
func TestOutingUrgentAndWeekend(t *testing.T) {
	ta := newTestApp(t, dec(11, 10, 0, 0)) // Friday
	mustContain(t, ta.say("teacher-g2c2", "秋游 高二(2)班 12月14日"), "已登记外出活动 O1：高二(2)班 12月14日（周一） 秋游",
		"12月11日（周五） 15:00 收到提醒")

	ta.setNow(dec(11, 15, 0, 1))
	ta.waitInbox("teacher-g2c2", "【外出提醒】12月12日（周六）至12月14日（周一）的外出活动", "O1 高二(2)班 12月14日（周一） 秋游")

	ta.setNow(dec(11, 16, 0, 0))
	mustContain(t, ta.say("teacher-g2c1", "春游 高二(1)班 12月14日 去植物园 40人"), "最迟应于12月11日（周五） 15:00 前登记")
	r := ta.say("teacher-g2c1", "春游 高二(1)班 12月14日 去植物园 40人 紧急")
	mustContain(t, r, "已登记外出活动 O2：高二(1)班 12月14日（周一） 春游（地点：植物园，学生 40 人）",
		"紧急外出：请班主任（赵老师）立即通知学生家长（监护人），通知后回复“已通知 O2”")
	if o := outing(t, ta, "O2"); !o.Urgent || o.Students != 40 || o.Place != "植物园" {
		t.Errorf("O2 = %+v", o)
	}
	ta.waitInbox("office-1", "【外出登记】赵老师登记外出活动", "O2")
	r = ta.say("office-1", "社会实践 高一(1)班 12月12日【紧急】到消防站参观学习")
	mustContain(t, r, "O3：高一(1)班 12月12日（周六） 社会实践 参观学习（地点：消防站）", "紧急外出", "已告知：刘老师")
	ta.waitInbox("teacher-g1c1", "【紧急外出】政教处郑主任已登记紧急外出活动", "O3", "请立即通知学生家长")

	ta.setNow(dec(11, 16, 30, 0))
	mustContain(t, ta.say("teacher-g2c2", "已通知 O1"), "已记录：O1")

	ta.setNow(dec(11, 18, 0, 1))
	office := ta.waitInbox("office-1", "【外出未通知家长】以下 2 项外出活动（12月12日（周六）至12月14日（周一））",
		"O2 高二(1)班 12月14日（周一） 春游", "班主任：赵老师", "O3 高一(1)班", "班主任：刘老师")
	mustNotContain(t, office, "O1")
	ta.settle()
	if n := ta.pushes("teacher-g2c1", "O2"); n != 0 {
		t.Errorf("the teacher who registered O2 was pushed about it: %+v", ta.inbox("teacher-g2c1"))
	}
}

// TestOutingRepliesAndReminderNameTheOffice: the reply to 外出 and the
// reminder tell the teacher which office hears of an unconfirmed outing by
// the office's own unit name, not a fixed "政教处/办公室" (a school whose
// office is called 学生发展中心 must not read of a 政教处 it does not have).
func TestOutingRepliesAndReminderNameTheOffice(t *testing.T) {
	ta := newTestApp(t, dec(7, 10, 0, 0), officeNamed("学生发展中心")) // Monday
	reply := ta.say("teacher-g1c1", "外出 高一(1)班 12月10日 参观科技馆")
	mustContain(t, reply, "已登记外出活动 O1", "18:00 前未确认的将报学生发展中心。")
	mustNotContain(t, reply, "政教处/办公室")
	mustContain(t, ta.say("teacher-g1c1", "外出 高一(2)班 12月10日 参观科技馆"), "请由该班班主任或学生发展中心登记。")

	ta.setNow(dec(9, 15, 0, 1)) // Wednesday 15:00, the working day before
	text := ta.waitInbox("teacher-g1c1", "【外出提醒】12月10日（周四）的外出活动", "O1 高一(1)班",
		"通知后请回复“已通知 O1”；今天 18:00前未确认的将报学生发展中心。")
	mustNotContain(t, text, "政教处", "办公室")
}
