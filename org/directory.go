// Package org is the organisation: its directory of members and units,
// roles and scopes ("may this member see that class?"), class rosters, and
// the working-day calendar.
package org

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
)

// Roles.
const (
	Cadre     = "cadre"
	Teacher   = "teacher"
	GradeLead = "grade_lead"
	Office    = "office"
	Officer   = "officer"
	UnitHead  = "unit_head"
	Leader    = "leader"
	Admin     = "admin"
)

// RoleNames are the roles as people in a school office say them.
var RoleNames = map[string]string{
	Cadre: "班干部", Teacher: "班主任", GradeLead: "年级组长", Office: "政教处/办公室",
	Officer: "信息员", UnitHead: "单位负责人", Leader: "分管领导", Admin: "系统管理员",
}

// Unit kinds.
const (
	Class = "class"
	Dept  = "dept"
)

// Unit is a class or a department.
type Unit struct {
	ID, Name, Kind, Grade string
	Category              string // departments: quota category (机关, 司法所 …)
}

// Member is a person in the directory.
type Member struct {
	ID, Name     string
	Roles        []string
	Units        []string // classes or department
	Grades       []string // grade leads
	Mobile       string
	Channel      string // where pushes go: local, wecom, dingtalk
	WeComUser    string
	DingTalkUser string
}

// Has reports whether the member has any of the roles.
func (m *Member) Has(roles ...string) bool {
	for _, r := range roles {
		for _, h := range m.Roles {
			if h == r {
				return true
			}
		}
	}
	return false
}

// In reports whether the member belongs to the unit.
func (m *Member) In(unit string) bool {
	for _, u := range m.Units {
		if u == unit {
			return true
		}
	}
	return false
}

// Student is one name on a class roster.
type Student struct {
	Name string
	No   string
}

// Group is a named chat reached by a robot.
type Group struct {
	Name, Channel, Robot string
	ChatID               string // the WeCom group chat of the AI bot, when there is no robot
	Mention              []string
	Units, Grades        []string
}

// Directory is the organisation's members, units, rosters and groups.
// It is read-only after New and safe for concurrent use.
type Directory struct {
	Name     string
	units    []*Unit
	unitByID map[string]*Unit
	members  []*Member
	byID     map[string]*Member
	byUser   map[string]*Member // channel|platform user id
	rosters  map[string][]Student
	groups   map[string]*Group
}

// ErrRoster reports an unreadable roster file.
var ErrRoster = errors.New("org: roster")

// CalendarOf builds the organisation's working-day calendar from the [org]
// section.
func CalendarOf(c *config.Config) (*Calendar, error) {
	vac := make([]Vacation, len(c.Org.Vacations))
	for i, v := range c.Org.Vacations {
		vac[i] = Vacation{Name: v.Name, From: v.From, To: v.To}
	}
	return NewCalendar(CalendarConfig{Location: c.Location(), Policy: c.Org.HolidayPolicy,
		Workdays: c.Org.Workdays, Holidays: c.Org.Holidays, Vacations: vac})
}

// New builds the directory from a validated configuration, reading roster files.
func New(c *config.Config) (*Directory, error) {
	d := &Directory{
		Name:     c.Org.Name,
		unitByID: map[string]*Unit{},
		byID:     map[string]*Member{},
		byUser:   map[string]*Member{},
		rosters:  map[string][]Student{},
		groups:   map[string]*Group{},
	}
	for _, u := range c.Units {
		cat := u.Category
		if u.Kind == Dept && cat == "" {
			cat = "机关"
		}
		unit := &Unit{ID: u.ID, Name: u.Name, Kind: u.Kind, Grade: u.Grade, Category: cat}
		d.units = append(d.units, unit)
		d.unitByID[u.ID] = unit
	}
	for _, cm := range c.Members {
		m := &Member{ID: cm.ID, Name: cm.Name, Roles: cm.Roles, Units: cm.Units, Grades: cm.Grades,
			Mobile: cm.Mobile, Channel: cm.Channel, WeComUser: cm.WeComUser, DingTalkUser: cm.DingTalkUser}
		if m.Channel == "" {
			m.Channel = "local"
		}
		if m.WeComUser == "" {
			m.WeComUser = m.ID
		}
		if m.DingTalkUser == "" {
			m.DingTalkUser = m.ID
		}
		d.members = append(d.members, m)
		d.byID[m.ID] = m
		d.byUser["local|"+m.ID] = m
		d.byUser["wecom|"+m.WeComUser] = m
		d.byUser["dingtalk|"+m.DingTalkUser] = m
	}
	for _, s := range c.Students {
		d.rosters[s.Unit] = append(d.rosters[s.Unit], Student{Name: s.Name, No: s.No})
	}
	for _, r := range c.Rosters {
		list, err := readRoster(c.Path(r.File))
		if err != nil {
			return nil, fmt.Errorf("%w %s: %v", ErrRoster, r.File, err)
		}
		d.rosters[r.Unit] = append(d.rosters[r.Unit], list...)
	}
	for _, g := range c.Groups {
		d.groups[g.Name] = &Group{Name: g.Name, Channel: g.Channel, Robot: g.Robot, ChatID: g.ChatID, Mention: g.Mention,
			Units: g.Units, Grades: g.Grades}
	}
	return d, nil
}

// readRoster reads a CSV of name[,no]; a first row whose first cell is a
// header word (姓名, name) is skipped.
func readRoster(path string) ([]Student, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var out []Student
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		name := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
		if name == "" || name == "姓名" || strings.EqualFold(name, "name") {
			continue
		}
		s := Student{Name: name}
		if len(rec) > 1 {
			s.No = strings.TrimSpace(rec[1])
		}
		out = append(out, s)
	}
}

// Member returns the member with the id.
func (d *Directory) Member(id string) (*Member, bool) {
	m, ok := d.byID[id]
	return m, ok
}

// MemberName is the member's name, or the id when the member is unknown or unnamed.
func (d *Directory) MemberName(id string) string {
	if m, ok := d.Member(id); ok && m.Name != "" {
		return m.Name
	}
	return id
}

// ByUser returns the member with that user id on a channel.
func (d *Directory) ByUser(channel, user string) (*Member, bool) {
	m, ok := d.byUser[channel+"|"+user]
	return m, ok
}

// Members lists every member in configuration order.
func (d *Directory) Members() []*Member { return d.members }

// WithRole lists the members that have the role.
func (d *Directory) WithRole(role string) []*Member {
	var out []*Member
	for _, m := range d.members {
		if m.Has(role) {
			out = append(out, m)
		}
	}
	return out
}

// Unit returns the unit with the id.
func (d *Directory) Unit(id string) (*Unit, bool) {
	u, ok := d.unitByID[id]
	return u, ok
}

// UnitName returns the unit's name, or the id when unknown.
func (d *Directory) UnitName(id string) string {
	if u, ok := d.unitByID[id]; ok {
		return u.Name
	}
	return id
}

// OfficeName names where the office role sits, as replies say where an
// item or a report went: the names of its members' units ("政教处"), or
// "办公室" when none has a unit. The office is a role, so a department
// called 办公室 may well be another unit (the demo's).
func (d *Directory) OfficeName() string {
	var names []string
	for _, m := range d.WithRole(Office) {
		for _, u := range m.Units {
			if n := d.UnitName(u); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return "办公室"
	}
	return strings.Join(names, "、")
}

// Units lists every unit in configuration order.
func (d *Directory) Units() []*Unit { return d.units }

// Classes lists the classes in configuration order.
func (d *Directory) Classes() []*Unit {
	var out []*Unit
	for _, u := range d.units {
		if u.Kind == Class {
			out = append(out, u)
		}
	}
	return out
}

// Grades lists the grades in the order their first class appears.
func (d *Directory) Grades() []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range d.Classes() {
		if !seen[u.Grade] {
			seen[u.Grade] = true
			out = append(out, u.Grade)
		}
	}
	return out
}

// InUnit lists the members of a unit that have the role ("" for any).
func (d *Directory) InUnit(unit, role string) []*Member {
	var out []*Member
	for _, m := range d.members {
		if m.In(unit) && (role == "" || m.Has(role)) {
			out = append(out, m)
		}
	}
	return out
}

// GradeLeads lists the grade leads of a grade.
func (d *Directory) GradeLeads(grade string) []*Member {
	var out []*Member
	for _, m := range d.members {
		if m.Has(GradeLead) {
			for _, g := range m.Grades {
				if g == grade {
					out = append(out, m)
					break
				}
			}
		}
	}
	return out
}

// SeesAll reports whether the member's scope is the whole organisation.
func (d *Directory) SeesAll(m *Member) bool { return m.Has(Office, Admin) }

// CanSee reports whether the member may see the unit's records: office and
// admin everything, grade leads their grade's classes, everyone else their
// own units.
func (d *Directory) CanSee(m *Member, unit string) bool {
	if d.SeesAll(m) || m.In(unit) {
		return true
	}
	u, ok := d.unitByID[unit]
	if !ok || !m.Has(GradeLead) {
		return false
	}
	for _, g := range m.Grades {
		if g == u.Grade {
			return true
		}
	}
	return false
}

// Scope lists the classes the member may see, in configuration order.
func (d *Directory) Scope(m *Member) []*Unit {
	var out []*Unit
	for _, u := range d.Classes() {
		if d.CanSee(m, u.ID) {
			out = append(out, u)
		}
	}
	return out
}

// Roster returns the class roster (nil when none is configured).
func (d *Directory) Roster(unit string) []Student { return d.rosters[unit] }

// OnRoster reports whether the name is on the class roster. Without a roster
// every name is accepted.
func (d *Directory) OnRoster(unit, name string) bool {
	list := d.rosters[unit]
	if len(list) == 0 {
		return true
	}
	for _, s := range list {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Closest returns the roster name nearest to name (edit distance over runes,
// at most half the name's length), for "张叁 → 张三?" suggestions.
func (d *Directory) Closest(unit, name string) (string, bool) {
	best, bestDist := "", -1
	for _, s := range d.rosters[unit] {
		dist := bot.EditDistance([]rune(name), []rune(s.Name))
		if bestDist < 0 || dist < bestDist {
			best, bestDist = s.Name, dist
		}
	}
	limit := (len([]rune(name)) + 1) / 2
	if bestDist < 0 || bestDist > limit {
		return "", false
	}
	return best, true
}

// Group returns the named group.
func (d *Directory) Group(name string) (*Group, bool) {
	g, ok := d.groups[name]
	return g, ok
}

// GroupsFor lists the groups that carry a unit's or a grade's lists, sorted by name.
func (d *Directory) GroupsFor(unit, grade string) []*Group {
	var out []*Group
	for _, g := range d.groups {
		hit := false
		for _, u := range g.Units {
			hit = hit || (unit != "" && u == unit)
		}
		for _, gr := range g.Grades {
			hit = hit || (grade != "" && gr == grade)
		}
		if hit {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
