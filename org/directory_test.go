package org_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

func demo(t *testing.T) *org.Directory {
	t.Helper()
	return testorg.Directory(t, testorg.Config(t))
}

func TestScopes(t *testing.T) {
	d := demo(t)
	cases := []struct {
		member, unit string
		want         bool
	}{
		{"cadre-g1c1", "g1c1", true},
		{"cadre-g1c1", "g1c2", false},
		{"teacher-g2c2", "g2c2", true},
		{"teacher-g2c2", "g1c1", false},
		{"lead-g1", "g1c2", true},
		{"lead-g1", "g2c1", false},
		{"office-1", "g2c2", true},
		{"admin", "g1c1", true},
		{"leader-1", "g1c1", false},
		{"officer-2", "general", true},
	}
	for _, c := range cases {
		m, ok := d.Member(c.member)
		if !ok {
			t.Fatalf("no member %s", c.member)
		}
		if got := d.CanSee(m, c.unit); got != c.want {
			t.Errorf("CanSee(%s, %s) = %v, want %v", c.member, c.unit, got, c.want)
		}
	}
	lead, _ := d.Member("lead-g2")
	if s := d.Scope(lead); len(s) != 2 || s[0].ID != "g2c1" || s[1].ID != "g2c2" {
		t.Errorf("scope of lead-g2: %v", s)
	}
}

func TestLookupAndRoster(t *testing.T) {
	d := demo(t)
	if m, ok := d.ByUser("local", "teacher-g1c1"); !ok || m.Name != "刘老师" {
		t.Errorf("ByUser local: %v %v", m, ok)
	}
	if m, ok := d.ByUser("wecom", "leader-1"); !ok || m.ID != "leader-1" {
		t.Errorf("ByUser wecom default user id: %v", m)
	}
	if _, ok := d.ByUser("local", "stranger"); ok {
		t.Error("stranger found")
	}
	if !d.OnRoster("g1c1", "张三") || d.OnRoster("g1c1", "张叁") {
		t.Error("roster membership")
	}
	if !d.OnRoster("g2c1", "任何人") {
		t.Error("a class without roster accepts every name")
	}
	for in, want := range map[string]string{"张叁": "张三", "李思": "李四", "王伍": "王五"} {
		if got, ok := d.Closest("g1c1", in); !ok || got != want {
			t.Errorf("Closest(%s) = %q %v, want %s", in, got, ok, want)
		}
	}
	if got, ok := d.Closest("g1c1", "欧阳修文"); ok {
		t.Errorf("far name suggested %q", got)
	}
	if leads := d.GradeLeads("高一"); len(leads) != 1 || leads[0].ID != "lead-g1" {
		t.Errorf("grade leads: %v", leads)
	}
}

func TestRosterFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c1.csv"), []byte("\ufeff姓名,学号\n张三,23\n张三,24\n李四,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "[[unit]]\nid=\"c1\"\nname=\"初一(1)班\"\nkind=\"class\"\ngrade=\"初一\"\n[[roster]]\nunit=\"c1\"\nfile=\"c1.csv\"\n" +
		"[[member]]\nid=\"l\"\nname=\"领导\"\nroles=[\"leader\"]\n[[incident.level]]\nmembers=[\"l\"]\n"
	c, err := config.Parse([]byte(cfg), dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := org.New(c)
	if err != nil {
		t.Fatal(err)
	}
	r := d.Roster("c1")
	if len(r) != 3 || r[0].Name != "张三" || r[0].No != "23" || r[2].Name != "李四" {
		t.Errorf("roster: %+v", r)
	}
}

// organisation is a Source written in org's own terms, without a
// configuration file.
type organisation org.Organisation

func (o organisation) Organisation() org.Organisation { return org.Organisation(o) }

// New needs no configuration file: it fills in what the file may leave out
// (channel, platform user ids, a department's quota category) and builds the
// calendar once, in the organisation's zone.
func TestNewFromTheModelAlone(t *testing.T) {
	urumqi, err := time.LoadLocation("Asia/Urumqi")
	if err != nil {
		t.Fatal(err)
	}
	d, err := org.New(organisation{Name: "一中",
		Units:    []org.Unit{{ID: "c1", Name: "初一(1)班", Kind: org.Class, Grade: "初一"}, {ID: "jw", Name: "教务处", Kind: org.Dept}},
		Members:  []org.Member{{ID: "t1", Name: "刘老师", Roles: []string{org.Teacher}, Units: []string{"c1"}}},
		Students: map[string][]org.Student{"c1": {{Name: "张三"}}},
		Calendar: org.CalendarConfig{Location: urumqi, Workdays: []string{"2026-11-07"}}})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.ByUser("wecom", "t1")
	if !ok || m.Channel != "local" || m.DingTalkUser != "t1" {
		t.Errorf("defaults of a member: %+v %v", m, ok)
	}
	if u, _ := d.Unit("jw"); u.Category != "机关" {
		t.Errorf("category of a department without one: %q", u.Category)
	}
	if !d.OnRoster("c1", "张三") || d.OnRoster("c1", "李四") {
		t.Error("roster of the students listed")
	}
	cal := d.Calendar()
	if cal.Location() != urumqi || !cal.IsWorkday(time.Date(2026, 11, 7, 12, 0, 0, 0, urumqi)) {
		t.Errorf("calendar: %v, 2026-11-07 (a Saturday made a working day) workday %v", cal.Location(),
			cal.IsWorkday(time.Date(2026, 11, 7, 12, 0, 0, 0, urumqi)))
	}
}

// The members of a unit and of a role are kept by unit and by role, in
// directory order, each once however often the config names the unit or
// the role; the lists handed out are the caller's to change.
func TestMembersByUnitAndRole(t *testing.T) {
	d, err := org.New(organisation{Name: "一中",
		Units: []org.Unit{{ID: "c1", Name: "初一(1)班", Kind: org.Class, Grade: "初一"},
			{ID: "c2", Name: "初二(1)班", Kind: org.Class, Grade: "初二"}},
		Members: []org.Member{
			{ID: "t1", Name: "刘老师", Roles: []string{org.Teacher, org.Teacher}, Units: []string{"c1", "c2", "c1"}},
			{ID: "l1", Name: "王组长", Roles: []string{org.GradeLead, org.Teacher}, Units: []string{"c2"}, Grades: []string{"初二"}},
			{ID: "k1", Name: "陈班长", Roles: []string{org.Cadre}, Units: []string{"c1"}},
			{ID: "t2", Name: "赵老师", Roles: []string{org.Teacher}, Units: []string{"c1"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ms []*org.Member) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct{ got, want string }{
		{ids(d.InUnit("c1", "")), "t1 k1 t2"},
		{ids(d.InUnit("c1", org.Teacher)), "t1 t2"},
		{ids(d.InUnit("c2", org.Teacher)), "t1 l1"},
		{ids(d.InUnit("c3", "")), ""},
		{ids(d.WithRole(org.Teacher)), "t1 l1 t2"},
		{ids(d.GradeLeads("初二")), "l1"},
		{ids(d.GradeLeads("初一")), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	teachers := d.WithRole(org.Teacher)
	teachers[0] = nil
	if got := ids(d.WithRole(org.Teacher)); got != "t1 l1 t2" {
		t.Errorf("a caller's change reached the directory: %q", got)
	}
}
