package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/config"
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
