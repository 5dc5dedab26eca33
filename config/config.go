// Package config turns the TOML file into a typed Config with defaults and
// lists every problem in it at once. Each section has its own file; the
// sections' names and keys are a contract (SPEC §9).
package config

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/baosong/baosong/org"
)

// Config is the whole configuration file. The sections that are the
// organisation's model and rules hold org's types (its units, groups,
// rosters and policies); the rest are the file's own.
type Config struct {
	Server   Server       `toml:"server"`
	Store    Store        `toml:"store"`
	Org      Org          `toml:"org"`
	Units    []org.Unit   `toml:"unit"`
	Members  []org.Member `toml:"member"`
	Students []Student    `toml:"student"`
	Rosters  []org.Roster `toml:"roster"`
	Groups   []org.Group  `toml:"group"`
	// Policies are the sections [attendance], [submission], [weekly],
	// [outing], [incident] and [schedule] (c.Attendance … c.Schedule).
	org.Policies
	WeCom     WeCom          `toml:"wecom"`
	WeComBot  WeComBot       `toml:"wecom_bot"`
	DingTalk  DingTalk       `toml:"dingtalk"`
	Console   Console        `toml:"console"`
	base      string         // directory of the file, for relative paths
	undecoded []toml.Key     // keys the file has that Config does not know
	problems  []string       // problems found while decoding
	loc       *time.Location // Org.TimeZone, loaded
}

// Problems is every problem found in a configuration.
type Problems []string

func (p Problems) Error() string {
	return fmt.Sprintf("配置有 %d 处问题:\n  %s", len(p), strings.Join(p, "\n  "))
}

// Parse decodes TOML text, applies defaults and validates. On problems it
// returns the (partially usable) Config and a Problems error listing all.
// dir resolves relative paths such as roster files.
func Parse(data []byte, dir string) (*Config, error) {
	c := Defaults()
	c.base = dir
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(c)
	if err != nil {
		return nil, Problems{fmt.Sprintf("TOML 语法错误: %v", err)}
	}
	c.undecoded = md.Undecoded()
	if err := c.addMemberUnit(data); err != nil {
		return nil, Problems{fmt.Sprintf("TOML 语法错误: %v", err)}
	}
	if p := c.Validate(); len(p) > 0 {
		return c, p
	}
	return c, nil
}

// Load reads and parses a file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	dir := "."
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		dir = path[:i]
	}
	return Parse(data, dir)
}

// Defaults is a Config with every default set and no organisation.
func Defaults() *Config {
	return &Config{
		Server: Server{Listen: "127.0.0.1:8080", Data: "./data", RatePerMinute: 30},
		Store:  Store{Driver: "bbolt"},
		Org:    Org{Name: "", TimeZone: "Asia/Shanghai", HolidayPolicy: "before"},
		Policies: org.Policies{Attendance: defaultAttendance(), Submission: defaultSubmission(), Weekly: defaultWeekly(),
			Outing: defaultOuting(), Incident: defaultIncident(), Schedule: defaultSchedule()},
		WeCom:    WeCom{APIBase: "https://qyapi.weixin.qq.com"},
		WeComBot: WeComBot{WSURL: "wss://openws.work.weixin.qq.com"},
		DingTalk: DingTalk{APIBase: "https://oapi.dingtalk.com", Mode: ModeCallback, StreamBase: "https://api.dingtalk.com"},
	}
}

// Validate checks the whole file and returns every problem found.
func (c *Config) Validate() Problems {
	var p Problems
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	c.loc = nil // Org.TimeZone may have changed since the last use: Location loads it again
	for _, k := range c.undecoded {
		add("未知的配置项 %s", k.String())
	}
	c.validateServer(add)
	c.validateStore(add)
	c.validateOrg(add)
	c.validateDirectory(add)
	c.validateAttendance(add)
	c.validateSubmission(add)
	c.validateWeekly(add)
	c.validateOuting(add)
	c.validateIncident(add)
	c.validateSchedule(add)
	c.validatePlatforms(add)
	c.validateConsole(add)
	return p
}

// Location is the organisation's time zone (Asia/Shanghai when invalid).
func (c *Config) Location() *time.Location {
	if c.loc == nil {
		loc, err := time.LoadLocation(c.Org.TimeZone)
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		c.loc = loc
	}
	return c.loc
}

// Path resolves a path given in the file relative to the file's directory.
func (c *Config) Path(p string) string {
	if p == "" || strings.HasPrefix(p, "/") || c.base == "" {
		return p
	}
	return c.base + "/" + p
}

// checkDuration reports a duration of the file that did not parse.
func checkDuration(d org.Duration, key string, add func(string, ...any)) {
	if bad := d.Malformed(); bad != "" {
		add("%s 的时长 %q 格式错误（示例：10m、2h）", key, bad)
	}
}

// checkClock reports a time of day of the file that did not parse.
func checkClock(t org.ClockTime, key string, add func(string, ...any)) {
	if bad := t.Malformed(); bad != "" {
		add("%s 的时间 %q 格式错误（示例：17:00）", key, bad)
	}
}

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
