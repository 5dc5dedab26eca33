package config_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
)

func TestExampleLoads(t *testing.T) {
	c, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	want := []string{"cadre-g1c1", "cadre-g1c2", "cadre-g2c1", "cadre-g2c2", "teacher-g1c1", "teacher-g1c2",
		"teacher-g2c1", "teacher-g2c2", "lead-g1", "lead-g2", "office-1", "officer-1", "officer-2",
		"head-general", "leader-1", "leader-2", "admin"}
	have := map[string]bool{}
	for _, m := range c.Members {
		have[m.ID] = true
	}
	for _, id := range want {
		if !have[id] {
			t.Errorf("demo member %s missing", id)
		}
	}
	if c.Attendance.DueTime.String() != "17:00" || c.Incident.AckWithin.Minutes() != 10 {
		t.Errorf("defaults not applied: %v %v", c.Attendance.DueTime, c.Incident.AckWithin)
	}
	if len(c.Incident.Levels) != 2 || c.Incident.Levels[0].Members[0] != "leader-1" {
		t.Errorf("incident levels: %+v", c.Incident.Levels)
	}
}

// Each broken file in testdata/broken/ names, in its first line after "# expect:",
// the problems it must produce (separated by "|").
func TestBrokenFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken/*.toml")
	if len(files) < 5 {
		t.Fatalf("only %d broken files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			expect := strings.Split(strings.TrimPrefix(first, "# expect: "), "|")
			_, err = config.Load(f)
			if err == nil {
				t.Fatal("no problem reported")
			}
			for _, e := range expect {
				if !strings.Contains(err.Error(), strings.TrimSpace(e)) {
					t.Errorf("missing problem %q in:\n%v", e, err)
				}
			}
		})
	}
}

// A configuration changed after a Validate (tests append units, students
// and members through options and validate again) is read as it is now:
// Unit and Validate see the new units, Location the new time zone.
func TestChangesAfterValidateAreSeen(t *testing.T) {
	c, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := c.Unit("g1c1"); !ok || u.Kind != "class" {
		t.Fatalf("Unit(g1c1) = %+v, %v", u, ok)
	}
	if _, ok := c.Unit("g3c1"); ok {
		t.Fatal("Unit(g3c1) found before it was added")
	}
	_ = c.Location()

	// Appending may move Units to a new array: no pointer from before may be used.
	for i := 0; i < 20; i++ {
		c.Units = append(c.Units, org.Unit{ID: fmt.Sprintf("g3c%d", i+1), Name: fmt.Sprintf("高三(%d)班", i+1),
			Kind: "class", Grade: "高三"})
	}
	c.Students = append(c.Students, config.Student{Unit: "g3c1", Name: "钱一"})
	c.Members = append(c.Members, org.Member{ID: "lead-g3", Name: "高三年级组长", Roles: []string{"grade_lead"},
		Grades: []string{"高三"}})
	c.Org.TimeZone = "Asia/Urumqi"
	if p := c.Validate(); len(p) > 0 {
		t.Fatalf("valid after the change, got %v", p)
	}
	for _, id := range []string{"g3c1", "g3c20", "g1c1"} {
		if u, ok := c.Unit(id); !ok || u.ID != id {
			t.Errorf("Unit(%s) = %+v, %v after the change", id, u, ok)
		}
	}
	if got := c.Location().String(); got != "Asia/Urumqi" {
		t.Errorf("Location = %s after the time zone changed", got)
	}

	// An edit in place is seen too: a class turned department no longer takes students.
	u, _ := c.Unit("g3c1")
	u.Kind, u.Grade = "dept", ""
	if u2, _ := c.Unit("g3c1"); u2.Kind != "dept" {
		t.Errorf("Unit(g3c1).Kind = %s after the edit", u2.Kind)
	}
	p := c.Validate()
	if !strings.Contains(p.Error(), `[[student]] "钱一" 的班级 "g3c1" 不存在`) {
		t.Errorf("student of a department not reported: %v", p)
	}
}

func TestMemberUnitSingular(t *testing.T) {
	cfg := "[[unit]]\nid=\"c1\"\nname=\"一班\"\nkind=\"class\"\ngrade=\"初一\"\n" +
		"[[member]]\nid=\"t\"\nname=\"老师\"\nroles=[\"teacher\"]\nunit=\"c1\"\n" +
		"[[member]]\nid=\"l\"\nname=\"领导\"\nroles=[\"leader\"]\n[[incident.level]]\nmembers=[\"l\"]\n"
	c, err := config.Parse([]byte(cfg), ".")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Members[0].Units; len(got) != 1 || got[0] != "c1" {
		t.Errorf("units = %v", got)
	}
}

// The PostgreSQL DSN comes from dsn_file (beside the configuration) when set.
func TestStoreDSNFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pg.dsn"), []byte("postgres://baosong:s3cret@db:5432/baosong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(append([]byte("[store]\ndriver = \"postgres\"\ndsn_file = \"pg.dsn\"\n"), baosong.ExampleConfig[bytes.Index(baosong.ExampleConfig, []byte("[org]")):]...), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Postgres() || c.StoreDSN() != "postgres://baosong:s3cret@db:5432/baosong" {
		t.Errorf("postgres %v, dsn %q", c.Postgres(), c.StoreDSN())
	}
}

// unit is read apart from the other keys of a [[member]]; a key no member
// has is still reported, with every other problem.
func TestMemberUnitIsKnownOtherKeysAreNot(t *testing.T) {
	cfg := "[[unit]]\nid=\"c1\"\nname=\"一班\"\nkind=\"class\"\ngrade=\"初一\"\n" +
		"[[member]]\nid=\"t\"\nname=\"老师\"\nroles=[\"teacher\"]\nunit=\"c1\"\nunits=[\"c1\"]\nwechat=\"t\"\n" +
		"[[member]]\nid=\"l\"\nname=\"领导\"\nroles=[\"leader\"]\n[[incident.level]]\nmembers=[\"l\"]\n"
	c, err := config.Parse([]byte(cfg), ".")
	if err == nil || !strings.Contains(err.Error(), "未知的配置项 member.wechat") || strings.Contains(err.Error(), "member.unit") {
		t.Fatalf("problems: %v", err)
	}
	if got := c.Members[0].Units; len(got) != 1 || got[0] != "c1" {
		t.Errorf("units = %v (unit and units name the same class)", got)
	}
}
