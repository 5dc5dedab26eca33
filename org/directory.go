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

// Unit is a class or a department: a [[unit]] of the file.
type Unit struct {
	ID    string `toml:"id"`
	Name  string `toml:"name"`
	Kind  string `toml:"kind"`  // class | dept
	Grade string `toml:"grade"` // classes: 高一 …
	// Category groups departments for quotas (机关, 司法所, 公共法律服务中心);
	// New makes it 机关 for a department without one.
	Category string `toml:"category"`
}

// Member is a person in the directory: a [[member]] of the file (whose key
// unit, one unit, config adds to Units). New fills in what the file may
// leave out: channel local, platform user ids = the member id.
type Member struct {
	ID           string   `toml:"id"`
	Name         string   `toml:"name"`
	Roles        []string `toml:"roles"`
	Units        []string `toml:"units"`  // classes or department
	Grades       []string `toml:"grades"` // grade leads: the grades they lead
	Mobile       string   `toml:"mobile"`
	Channel      string   `toml:"channel"` // where pushes go: local, wecom, dingtalk
	WeComUser    string   `toml:"wecom_user"`
	DingTalkUser string   `toml:"dingtalk_user"`
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

// Group is a [[group]]: a named chat group reached by a robot webhook, or
// (WeCom) by the AI bot of [wecom_bot] in the group with that chat id.
type Group struct {
	Name    string   `toml:"name"`
	Channel string   `toml:"channel"` // wecom | dingtalk | local
	Robot   string   `toml:"robot"`   // robot name in [wecom.robots] / [dingtalk.robots]
	ChatID  string   `toml:"chatid"`  // wecom only, instead of robot: the group chat the [wecom_bot] AI bot is in
	Mention []string `toml:"mention"` // member ids to @mention
	Units   []string `toml:"units"`   // units whose circulars and overdue lists go here
	Grades  []string `toml:"grades"`  // grades whose overdue lists go here
}

// Roster is a [[roster]]: a CSV file (columns name[,no]) of a class's students.
type Roster struct {
	Unit string `toml:"unit"`
	File string `toml:"file"`
}

// Organisation is what a directory and its calendar are built from.
type Organisation struct {
	Name     string
	Units    []Unit
	Members  []Member
	Students map[string][]Student
	Rosters  []Roster // the files' paths as they are opened
	Groups   []Group
	Calendar CalendarConfig
}

// Source describes an organisation; the configuration file does
// (config.Config), and it is read through this alone.
type Source interface {
	Organisation() Organisation
}

// Directory is the organisation's members, units, rosters and groups, and
// its working-day calendar. It is read-only after New and safe for
// concurrent use.
type Directory struct {
	Name     string
	calendar *Calendar
	units    []*Unit
	unitByID map[string]*Unit
	members  []*Member
	byID     map[string]*Member
	byUnit   map[string][]*Member // unit id → its members, in directory order
	byRole   map[string][]*Member // role → the members who have it, in directory order
	byUser   map[string]*Member   // channel|platform user id
	rosters  map[string][]Student
	groups   map[string]*Group
}

// ErrRoster reports an unreadable roster file.
var ErrRoster = errors.New("org: roster")

// CalendarOf builds the organisation's working-day calendar.
func CalendarOf(src Source) (*Calendar, error) {
	return NewCalendar(src.Organisation().Calendar)
}

// New builds the directory of an organisation and its calendar, reading
// its roster files.
func New(src Source) (*Directory, error) {
	o := src.Organisation()
	cal, err := NewCalendar(o.Calendar)
	if err != nil {
		return nil, err
	}
	d := &Directory{
		Name:     o.Name,
		calendar: cal,
		unitByID: map[string]*Unit{},
		byID:     map[string]*Member{},
		byUnit:   map[string][]*Member{},
		byRole:   map[string][]*Member{},
		byUser:   map[string]*Member{},
		rosters:  map[string][]Student{},
		groups:   map[string]*Group{},
	}
	for _, u := range o.Units {
		if u.Kind == Dept && u.Category == "" {
			u.Category = "机关"
		}
		d.units = append(d.units, &u)
		d.unitByID[u.ID] = &u
	}
	for _, m := range o.Members {
		if m.Channel == "" {
			m.Channel = "local"
		}
		if m.WeComUser == "" {
			m.WeComUser = m.ID
		}
		if m.DingTalkUser == "" {
			m.DingTalkUser = m.ID
		}
		d.members = append(d.members, &m)
		d.byID[m.ID] = &m
		for _, u := range slices.Compact(slices.Sorted(slices.Values(m.Units))) {
			d.byUnit[u] = append(d.byUnit[u], &m)
		}
		for _, r := range slices.Compact(slices.Sorted(slices.Values(m.Roles))) {
			d.byRole[r] = append(d.byRole[r], &m)
		}
		d.byUser["local|"+m.ID] = &m
		d.byUser["wecom|"+m.WeComUser] = &m
		d.byUser["dingtalk|"+m.DingTalkUser] = &m
	}
	for unit, list := range o.Students {
		d.rosters[unit] = slices.Clone(list)
	}
	for _, r := range o.Rosters {
		list, err := readRoster(r.File)
		if err != nil {
			return nil, fmt.Errorf("%w %s: %v", ErrRoster, r.File, err)
		}
		d.rosters[r.Unit] = append(d.rosters[r.Unit], list...)
	}
	for _, g := range o.Groups {
		d.groups[g.Name] = &g
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

// Calendar is the organisation's working-day calendar.
func (d *Directory) Calendar() *Calendar { return d.calendar }

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
func (d *Directory) WithRole(role string) []*Member { return slices.Clone(d.byRole[role]) }

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
	for _, m := range d.byUnit[unit] {
		if role == "" || m.Has(role) {
			out = append(out, m)
		}
	}
	return out
}

// GradeLeads lists the grade leads of a grade.
func (d *Directory) GradeLeads(grade string) []*Member {
	var out []*Member
	for _, m := range d.byRole[GradeLead] {
		if slices.Contains(m.Grades, grade) {
			out = append(out, m)
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
