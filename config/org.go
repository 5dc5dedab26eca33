package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/baosong/baosong/org"
)

// Org is the [org] section.
type Org struct {
	Name          string         `toml:"name"`
	TimeZone      string         `toml:"timezone"`       // IANA name, default Asia/Shanghai
	HolidayPolicy string         `toml:"holiday_policy"` // before | after | keep
	Workdays      []string       `toml:"workdays"`       // extra working days "2026-05-09"
	Holidays      []string       `toml:"holidays"`       // extra days off "2026-06-01 儿童节"
	Vacations     []org.Vacation `toml:"vacation"`       // school vacations
}

func (c *Config) validateOrg(add func(string, ...any)) {
	o := c.Org
	if _, err := time.LoadLocation(o.TimeZone); err != nil || o.TimeZone == "" {
		add("[org] timezone %q 不是有效的时区（示例：Asia/Shanghai）", o.TimeZone)
	}
	switch o.HolidayPolicy {
	case "before", "after", "keep":
	default:
		add("[org] holiday_policy %q 无效，应为 before、after 或 keep", o.HolidayPolicy)
	}
	for _, d := range o.Workdays {
		if !isDate(d) {
			add("[org] workdays 中的日期 %q 格式错误（示例：2026-05-09）", d)
		}
	}
	for _, d := range o.Holidays {
		if f := strings.Fields(d); len(f) == 0 || !isDate(f[0]) {
			add("[org] holidays 中的日期 %q 格式错误（示例：2026-06-01 儿童节）", d)
		}
	}
	for i, v := range o.Vacations {
		if !isDate(v.From) || !isDate(v.To) {
			add("[[org.vacation]] 第 %d 项 %q 的日期格式错误", i+1, v.Name)
		} else if v.To < v.From {
			add("[[org.vacation]] 第 %d 项 %q 结束日期早于开始日期", i+1, v.Name)
		}
	}
}

// addMemberUnit reads the key unit of each [[member]] of data: one unit,
// the same as units = ["…"] (SPEC §9 says unit(s)). org.Member has one list
// of units, so the key is read apart, added to Units and not reported as
// unknown.
func (c *Config) addMemberUnit(data []byte) error {
	var file struct {
		Members []struct {
			Unit string `toml:"unit"`
		} `toml:"member"`
	}
	if _, err := toml.Decode(string(data), &file); err != nil {
		return err
	}
	c.undecoded = slices.DeleteFunc(c.undecoded, func(k toml.Key) bool { return k.String() == "member.unit" })
	for i, f := range file.Members {
		if m := &c.Members[i]; f.Unit != "" && !contains(m.Units, f.Unit) {
			m.Units = append([]string{f.Unit}, m.Units...)
		}
	}
	return nil
}

// Student is a [[student]] of a class roster: an org.Student and its class.
type Student struct {
	Unit string `toml:"unit"`
	Name string `toml:"name"`
	No   string `toml:"no"` // student number, tells namesakes apart
}

// Roles a member may have.
var Roles = []string{"cadre", "teacher", "grade_lead", "office", "officer", "unit_head", "leader", "admin"}

// Channels a member or group may use.
var Channels = []string{"local", "wecom", "dingtalk"}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Unit returns the unit with the given id. It reads Units as they are now
// (no cached index: options and tests change Units after a Validate), so a
// unit appended or edited later is found; the pointer is into Units.
func (c *Config) Unit(id string) (*org.Unit, bool) {
	for i := range c.Units {
		if c.Units[i].ID == id {
			return &c.Units[i], true
		}
	}
	return nil, false
}

// Organisation is the file's organisation in org's terms (org.Source):
// org.New and org.CalendarOf read it.
func (c *Config) Organisation() org.Organisation {
	o := org.Organisation{Name: c.Org.Name, Units: c.Units, Members: c.Members, Groups: c.Groups,
		Students: map[string][]org.Student{}, Calendar: org.CalendarConfig{Location: c.Location(),
			Policy: c.Org.HolidayPolicy, Workdays: c.Org.Workdays, Holidays: c.Org.Holidays, Vacations: c.Org.Vacations}}
	for _, s := range c.Students {
		o.Students[s.Unit] = append(o.Students[s.Unit], org.Student{Name: s.Name, No: s.No})
	}
	for _, r := range c.Rosters {
		o.Rosters = append(o.Rosters, org.Roster{Unit: r.Unit, File: c.Path(r.File)})
	}
	return o
}

func (c *Config) validateDirectory(add func(string, ...any)) {
	units := map[string]bool{}
	classes := map[string]bool{}
	grades := map[string]bool{}
	for i, u := range c.Units {
		where, ok := identify(add, units, "unit", i, u.ID, u.Name)
		if !ok {
			continue
		}
		switch u.Kind {
		case "class":
			if u.Grade == "" {
				add("%s 是班级，缺少 grade", where)
			}
			grades[u.Grade] = true
			classes[u.ID] = true
		case "dept":
		default:
			add("%s 的 kind %q 无效，应为 class 或 dept", where, u.Kind)
		}
	}
	members := map[string]bool{}
	for i, m := range c.Members {
		where, ok := identify(add, members, "member", i, m.ID, m.Name)
		if !ok {
			continue
		}
		if len(m.Roles) == 0 {
			add("%s 没有角色 roles", where)
		}
		for _, r := range m.Roles {
			if !contains(Roles, r) {
				add("%s 的角色 %q 未知（可用：%s）", where, r, strings.Join(Roles, "、"))
			}
		}
		for _, u := range unknown(m.Units, units) {
			add("%s 所在单位 %q 不存在", where, u)
		}
		for _, g := range unknown(m.Grades, grades) {
			add("%s 负责的年级 %q 没有班级", where, g)
		}
		if m.Channel != "" && !contains(Channels, m.Channel) {
			add("%s 的 channel %q 无效，应为 local、wecom 或 dingtalk", where, m.Channel)
		}
		if m.Channel == "wecom" && !c.WeCom.Enabled && !c.WeComBot.Enabled {
			add("%s 使用 wecom，但 [wecom] 与 [wecom_bot] 都未启用", where)
		}
		if m.Channel == "dingtalk" && !c.DingTalk.Enabled {
			add("%s 使用 dingtalk，但 [dingtalk] 未启用", where)
		}
		needUnit := false
		for _, r := range m.Roles {
			if r == "cadre" || r == "teacher" || r == "officer" || r == "unit_head" {
				needUnit = true
			}
		}
		if needUnit && len(m.Units) == 0 {
			add("%s 的角色需要所在单位 units", where)
		}
		if contains(m.Roles, "grade_lead") && len(m.Grades) == 0 {
			add("%s 是年级组长，缺少 grades", where)
		}
	}
	for i, s := range c.Students {
		if s.Name == "" {
			add("[[student]] 第 %d 项缺少 name", i+1)
		}
		if !classes[s.Unit] {
			add("[[student]] %q 的班级 %q 不存在", s.Name, s.Unit)
		}
	}
	for _, r := range c.Rosters {
		if !classes[r.Unit] {
			add("[[roster]] 的班级 %q 不存在", r.Unit)
		}
		if r.File == "" {
			add("[[roster]] %q 缺少 file", r.Unit)
		}
	}
	groups := map[string]bool{}
	for _, g := range c.Groups {
		where := fmt.Sprintf("[[group]] %q", g.Name)
		if g.Name == "" {
			add("[[group]] 缺少 name")
		}
		if groups[g.Name] {
			add("%s 的名称重复", where)
		}
		groups[g.Name] = true
		switch g.Channel {
		case "wecom":
			switch _, ok := c.WeCom.Robots[g.Robot]; {
			case g.Robot != "" && g.ChatID != "":
				add("%s 的 robot 和 chatid 只能填一个", where)
			case g.Robot != "" && !ok:
				add("%s 的机器人 %q 不在 [wecom.robots] 中", where, g.Robot)
			case g.ChatID != "" && !c.WeComBot.Enabled:
				add("%s 配置了 chatid，但 [wecom_bot]（智能机器人长连接）未启用", where)
			case g.Robot == "" && g.ChatID == "":
				add("%s 缺少 robot（[wecom.robots] 中的群机器人）或 chatid（智能机器人所在群的 chatid）", where)
			}
		case "dingtalk":
			if _, ok := c.DingTalk.Robots[g.Robot]; !ok {
				add("%s 的机器人 %q 不在 [dingtalk.robots] 中", where, g.Robot)
			}
		case "local":
		default:
			add("%s 的 channel %q 无效", where, g.Channel)
		}
		if g.ChatID != "" && g.Channel != "wecom" {
			add("%s 的 chatid 只用于 channel = \"wecom\" 的群", where)
		}
		for _, m := range unknown(g.Mention, members) {
			add("%s 要 @ 的成员 %q 不存在", where, m)
		}
		for _, u := range unknown(g.Units, units) {
			add("%s 的单位 %q 不存在", where, u)
		}
	}
	c.checkMemberRefs(members, groups, add)
}

// identify checks the id and name of the i-th [[kind]] entry: a missing
// id (ok false: the entry cannot be checked further), a repeated one (ids
// records those seen), a missing name. where is how messages name it.
func identify(add func(string, ...any), ids map[string]bool, kind string, i int, id, name string) (where string, ok bool) {
	if id == "" {
		add("[[%s]] 第 %d 项缺少 id", kind, i+1)
		return "", false
	}
	where = fmt.Sprintf("[[%s]] %q", kind, id)
	if ids[id] {
		add("%s 的 id 重复", where)
	}
	ids[id] = true
	if name == "" {
		add("%s 缺少 name", where)
	}
	return where, true
}

// unknown is the refs not in known, in their order.
func unknown(refs []string, known map[string]bool) []string {
	var out []string
	for _, r := range refs {
		if !known[r] {
			out = append(out, r)
		}
	}
	return out
}

func (c *Config) checkMemberRefs(members, groups map[string]bool, add func(string, ...any)) {
	for i, l := range c.Incident.Levels {
		for _, m := range unknown(l.Members, members) {
			add("[[incident.level]] 第 %d 级的成员 %q 不存在", i, m)
		}
		for _, g := range unknown(l.Groups, groups) {
			add("[[incident.level]] 第 %d 级的群 %q 不存在", i, g)
		}
	}
}
