package parse_test

import (
	"testing"
	"time"

	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/incident"
)

// TestIncidentReportIsFacts guards the contract between the parser and the
// incident rules: IncidentReport converts to incident.Facts (same fields,
// same order, same types), so the handler needs no field-by-field copy. It
// lives in the external test package: parse itself does not import incident.
func TestIncidentReportIsFacts(t *testing.T) {
	ref := time.Date(2026, 11, 26, 13, 30, 0, 0, time.FixedZone("CST", 8*3600))
	r, err := parse.Incident("12时50分左右，学校食堂十余名学生呕吐，其中3人住院治疗", ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := incident.Facts(*r)
	if level, _ := incident.Severity(f, incident.DefaultPolicy()); level != incident.Major {
		t.Errorf("severity %s for %+v", level, f)
	}
	if f.Ill != 10 || f.Hospitalised != 3 || !f.CountsApprox || f.Place != "学校食堂" {
		t.Errorf("facts %+v", f)
	}
}
