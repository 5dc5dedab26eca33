package console

import (
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// The scope rules of the console are the chat's (org.Directory.Scope,
// CanSee): a cadre and a teacher see their classes, a grade lead their
// grade, the office and the admin everything. One addition, written down
// here: a leader (分管领导/校长) sees every class read-only, as the school's
// overdue lists and monthly summaries are theirs to follow; in chat they
// only receive them as pushes.

// classes lists the classes the viewer may see.
func (c *Console) classes(m *org.Member) []*org.Unit {
	if m.Has(org.Leader) {
		return c.Dir.Classes()
	}
	return c.Dir.Scope(m)
}

// seesAllIncidents: the roles of 急报列表 in chat.
func seesAllIncidents(m *org.Member) bool { return m.Has(org.Leader, org.Office, org.Admin) }

// seesIncident: everyone of 急报列表's roles, the reporter, and whoever
// sees the incident's unit.
func (c *Console) seesIncident(m *org.Member, inc *incident.Incident) bool {
	return seesAllIncidents(m) || inc.Reporter == m.ID || c.Dir.CanSee(m, inc.Unit)
}

// seesDesk: the whole information desk (pipeline, ranking, quotas).
func seesDesk(m *org.Member) bool { return m.Has(org.Office, org.Admin, org.Leader) }

// seesArticle: the desk's roles, and officers and unit heads their unit's items.
func seesArticle(m *org.Member, a *desk.Article) bool {
	return seesDesk(m) || a.Submitter == m.ID || (m.Has(org.Officer, org.UnitHead) && m.In(a.Unit))
}

// seesLevels: levels of the 8/12/15 ledger as 统计 shows them (cadres
// only with [attendance] cadres_see_levels).
func (c *Console) seesLevels(m *org.Member) bool { return c.Forms.SeesLevels(m) }
