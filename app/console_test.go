package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/console"
)

// consoleNow is a Thursday evening: the Monday form of 2026-11-23 and the
// Thursday form of 11-26 (17:00) are both due.
var consoleNow = time.Date(2026, 11, 26, 18, 0, 0, 0, cst)

var linkRe = regexp.MustCompile(`https?://\S+/login\?t=[A-Za-z0-9_-]+`)

// browser is one member's web client: a cookie jar, redirects not followed
// (so the login's 303 and cookie can be checked).
type browser struct {
	t   *testing.T
	ta  *testApp
	c   *http.Client
	jar *cookiejar.Jar
}

func (ta *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: ta.t, ta: ta, jar: jar, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// link asks for a login link in chat as the member and returns its path and query.
func (ta *testApp) link(member string) string {
	ta.t.Helper()
	reply := ta.say(member, "看板")
	l := linkRe.FindString(reply)
	if l == "" {
		ta.t.Fatalf("看板 gave no link: %s", reply)
	}
	u, err := url.Parse(l)
	if err != nil {
		ta.t.Fatal(err)
	}
	return u.RequestURI()
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.ta.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, body := b.do("GET", path, nil)
	return resp.StatusCode, body
}

// page gets a page that must answer 200 and stay under 100 KB.
func (b *browser) page(path string) string {
	b.t.Helper()
	code, body := b.get(path)
	if code != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, code, body)
	}
	if len(body) > 100<<10 {
		b.t.Errorf("GET %s: %d bytes, over 100 KB", path, len(body))
	}
	return body
}

// cookie is the browser's session cookie ("" when it has none).
func (b *browser) cookie() string {
	u, _ := url.Parse(b.ta.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == console.CookieName {
			return c.Value
		}
	}
	return ""
}

// withCookie gets / with a session cookie of the given value (no browser).
func (ta *testApp) withCookie(value string) int {
	ta.t.Helper()
	req, _ := http.NewRequest("GET", ta.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: console.CookieName, Value: value})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// login opens a link and checks the session cookie it sets.
func (b *browser) login(link string) {
	b.t.Helper()
	resp, body := b.do("GET", link, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.t.Fatalf("login: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{console.CookieName + "=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=28800"} {
		if !strings.Contains(sc, want) {
			b.t.Errorf("session cookie lacks %s: %s", want, sc)
		}
	}
}

func consoleApp(t *testing.T) *testApp {
	ta := newTestApp(t, consoleNow.Add(-2*time.Hour))
	// g1c1 reports the Thursday form on time; nobody else reports anything.
	mustContain(t, ta.say("cadre-g1c1", "考勤 旷课：张三2节；请假 赵六 3节 病假"), "A1")
	ta.setNow(consoleNow.Add(-30 * time.Minute))
	mustContain(t, ta.say("teacher-g1c2", "急报 高一(2)班3名学生午餐后腹痛，已送县医院，其中1人住院观察"), "E1")
	ta.setNow(consoleNow)
	return ta
}

// A leader sends 看板, opens the link and sees the open incident, the
// classes 缺报 by name, and follows the incident's timeline.
func TestConsoleLeaderSeesIncidentAndMissingClasses(t *testing.T) {
	ta := consoleApp(t)
	reply := ta.say("leader-1", "看板")
	mustContain(t, reply, "http://127.0.0.1:8080/login?t=", "18:10 前有效", "只能使用一次")
	b := ta.browser()
	b.login(ta.link("leader-1"))
	home := b.page("/")
	mustContain(t, home, "王副校长", "E1", "重大", "高一(2)班", "30 分钟前", "尚无领导确认", "书面报告",
		"缺报", "按时", "A1", "已通知")
	// The Thursday slot names the three classes that did not report.
	mustContain(t, home, "缺报 3 个班：高一(2)班、高二(1)班、高二(2)班")
	mustContain(t, home, `/static/htmx.min.js`, `name="token"`)
	tl := b.page("/incidents/E1")
	mustContain(t, tl, "初报", "杨老师", "腹痛", "未确认（已 30 分钟）", "书面报告")
	// After the acknowledgement the timeline says who and after how long.
	ta.setNow(consoleNow.Add(5 * time.Minute))
	mustContain(t, ta.say("leader-1", "收到 E1"), "E1")
	tl = b.page("/incidents/E1")
	mustContain(t, tl, "确认", "35 分钟")
	frag := b.page("/incidents/E1?part=timeline")
	mustContain(t, frag, `id="timeline"`, "初报")
	mustNotContain(t, frag, "<html")
}

// A cadre's link shows their class only, everywhere.
func TestConsoleCadreScopedToClass(t *testing.T) {
	ta := consoleApp(t)
	b := ta.browser()
	b.login(ta.link("cadre-g1c1"))
	home := b.page("/")
	mustContain(t, home, "高一(1)班", "按时", "A1")
	// The incident as the page would name it (a bare "E1" can occur inside
	// the random logout token).
	mustNotContain(t, home, "高一(2)班", "高二(1)班", `/incidents/E1"`, ">E1<")
	att := b.page("/attendance")
	mustContain(t, att, "高一(1)班", "张三", "赵六", "待补请假条")
	mustNotContain(t, att, "高一(2)班", "高二")
	if code, body := b.get("/attendance?c=g1c2"); code != http.StatusForbidden || strings.Contains(body, "高一(2)班") {
		t.Errorf("a cadre opened another class's ledger: %d", code)
	}
	inc := b.page("/incidents")
	mustNotContain(t, inc, `/incidents/E1"`, ">E1<", "腹痛")
	if code, body := b.get("/incidents/E1"); code != http.StatusForbidden || strings.Contains(body, "腹痛") {
		t.Errorf("a cadre opened another class's incident: %d\n%s", code, body)
	}
	// One click from the grid to the entry and its history.
	mustContain(t, home, `href="/entries/A1"`)
	mustContain(t, ta.say("cadre-g1c1", "更正 A1 旷课：张三3节；请假 赵六 3节 病假"), "A1")
	entry := b.page("/entries/A1")
	mustContain(t, entry, "高一(1)班", "张三", "3", "修改记录", "更正")
	mustContain(t, ta.say("cadre-g1c2", "考勤 全勤"), "A2")
	if code, _ := b.get("/entries/A2"); code != http.StatusForbidden {
		t.Errorf("a cadre opened another class's entry: %d", code)
	}
	if code, _ := b.get("/entries/A99"); code != http.StatusNotFound {
		t.Errorf("unknown entry: %d", code)
	}
	if code, _ := b.get("/today/quota"); code != http.StatusForbidden {
		t.Errorf("a cadre read the officers' quotas: %d", code)
	}
	charts := b.page("/charts")
	mustContain(t, charts, "高一", "近 12 周没有急报")
	mustNotContain(t, charts, "高二")
	mustNotContain(t, b.page("/desk"), "积分排名")
	if code, _ := b.get("/download?what=incidents&period=2026"); code != http.StatusForbidden {
		t.Errorf("a cadre downloaded every incident: %d", code)
	}
	resp, body := b.do("GET", "/download?what=attendance&period=2026-11", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "PK") {
		t.Fatalf("attendance xlsx: %d %q", resp.StatusCode, body[:min(len(body), 80)])
	}
	// The xlsx holds the cadre's class only (its shared strings are plain XML inside the zip,
	// compressed: compare with the whole school's file instead).
	lead := ta.browser()
	lead.login(ta.link("office-1"))
	_, all := lead.do("GET", "/download?what=attendance&period=2026-11", nil)
	if len(all) <= len(body) {
		t.Errorf("the cadre's attendance file (%d bytes) is not smaller than the school's (%d)", len(body), len(all))
	}
	// The teacher of g1c2 sees the incident of their class.
	tb := ta.browser()
	tb.login(ta.link("teacher-g1c2"))
	mustContain(t, tb.page("/"), "E1", "腹痛")
}

// Used, expired and forged links are refused; a forged cookie is no session.
func TestConsoleLoginRefusals(t *testing.T) {
	ta := consoleApp(t)
	link := ta.link("office-1")
	b := ta.browser()
	b.login(link)
	other := ta.browser()
	if code, body := other.get(link); code != http.StatusForbidden || !strings.Contains(body, "已使用或已过期") {
		t.Errorf("used link: %d\n%s", code, body)
	}
	if code, _ := other.get("/"); code != http.StatusUnauthorized {
		t.Errorf("a refused link gave a session: %d", code)
	}
	late := ta.link("office-1")
	ta.setNow(consoleNow.Add(console.LinkTTL))
	if code, _ := other.get(late); code != http.StatusForbidden {
		t.Errorf("link opened after 10 minutes: %d", code)
	}
	for _, forged := range []string{"/login?t=AAAAAAAAAAAAAAAAAAAAAA", "/login?t=", "/login?t=%00%ff", "/login"} {
		if code, _ := other.get(forged); code != http.StatusForbidden {
			t.Errorf("%s: %d", forged, code)
		}
	}
	// A cookie is a session only if the server started it: a made-up token,
	// a login link's token (not yet used) and the session's value changed in
	// one character are no session.
	fresh := ta.link("office-1")
	value := b.cookie()
	flipped := []byte(value)
	flipped[0] ^= 1
	for _, v := range []string{"AAAAAAAAAAAAAAAAAAAAAA", fresh[len("/login?t="):], string(flipped), value + "A", ""} {
		if code := ta.withCookie(v); code != http.StatusUnauthorized {
			t.Errorf("forged cookie %q: %d", v, code)
		}
	}
	if code := ta.withCookie(value); code != http.StatusOK {
		t.Errorf("the real cookie: %d", code)
	}
	// The session ends after 8 hours.
	ta.setNow(consoleNow.Add(console.SessionTTL))
	if code, _ := b.get("/"); code != http.StatusUnauthorized {
		t.Errorf("session alive after 8 hours: %d", code)
	}
}

var tokenRe = regexp.MustCompile(`name="token" value="([^"]+)"`)

// Logout is a POST with the page's token: without it (a forged cross-site
// form) nothing happens.
func TestConsoleLogoutNeedsToken(t *testing.T) {
	ta := consoleApp(t)
	b := ta.browser()
	b.login(ta.link("leader-1"))
	m := tokenRe.FindStringSubmatch(b.page("/"))
	if m == nil {
		t.Fatal("no logout token on the page")
	}
	if resp, _ := b.do("POST", "/logout", url.Values{"token": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a forged token: %d", resp.StatusCode)
	}
	if code, _ := b.get("/logout"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: %d", code)
	}
	b.page("/") // still logged in
	resp, body := b.do("POST", "/logout", url.Values{"token": {m[1]}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "已退出") {
		t.Fatalf("logout: %d\n%s", resp.StatusCode, body)
	}
	if code, _ := b.get("/"); code != http.StatusUnauthorized {
		t.Errorf("still logged in after logout: %d", code)
	}
}

// Every page answers with its content within the viewer's scope.
func TestConsolePages(t *testing.T) {
	ta := consoleApp(t)
	mustContain(t, ta.say("officer-1", "投稿\n标题：我校开展防溺水教育\n类别：动态\n正文：11月20日，我校……\n撰稿：马丽 审核：周强"), "S1")
	b := ta.browser()
	b.login(ta.link("office-1"))
	mustContain(t, b.page("/attendance"), "2026年11月", "高一(1)班", "高二(2)班", "张三", "旷课", "缺报",
		"待补请假条", "月度汇总未确认")
	mustContain(t, b.page("/"), `hx-get="/today/quota"`)
	quota := b.page("/today/quota")
	mustContain(t, quota, `id="quota"`, "未达任务数", "0/2")
	mustNotContain(t, quota, "<html")
	mustContain(t, b.page("/attendance?m=2026-10"), "2026年10月")
	one := b.page("/attendance?c=g1c1")
	mustContain(t, one, "高一(1)班", "张三", "全部班级")
	mustNotContain(t, one, "高二(2)班")
	mustContain(t, b.page("/incidents"), "未结案（1）", "E1", "下载 Excel")
	mustContain(t, b.page("/desk"), "信息稿件流程", "待单位负责人审核", "采用级别", "积分排名", "我校开展防溺水教育")
	mustContain(t, b.page("/charts"), "<svg", "报表按时率", "高一", "高二", "每周急报", "重大")
	mustContain(t, b.page("/schedule"), "接下来的定时任务", "11-")
	if code, _ := b.get("/incidents/E99"); code != http.StatusNotFound {
		t.Errorf("unknown incident: %d", code)
	}
	if code, _ := b.get("/attendance?m=2026-13"); code != http.StatusNotFound {
		t.Errorf("bad month: %d", code)
	}
	if code, _ := b.get("/download?what=attendance&period=someday"); code != http.StatusBadRequest {
		t.Errorf("bad period: %d", code)
	}
	if code, body := b.get("/static/htmx.min.js"); code != http.StatusOK || !strings.Contains(body, "htmx") {
		t.Errorf("htmx: %d", code)
	}
	// Next Monday morning both of the week's forms are still to come.
	ta.setNow(time.Date(2026, 11, 30, 10, 0, 0, 0, cst))
	b = ta.browser() // the session of Thursday has expired
	b.login(ta.link("office-1"))
	mustContain(t, b.page("/"), "未到期", "尚未报送：高一(1)班、高一(2)班、高二(1)班、高二(2)班")
	// A member without classes or desk (the leader has every class; an officer none).
	o := ta.browser()
	o.login(ta.link("officer-2"))
	mustContain(t, o.page("/"), "您的角色不查看班级日常信息报表")
	mustNotContain(t, o.page("/desk"), "积分排名", "我校开展防溺水教育")
}

// With [console] off, 看板 says so and / stays unserved.
func TestConsoleOff(t *testing.T) {
	ta := newTestApp(t, consoleNow, func(c *config.Config) { c.Console.Enabled = false })
	mustContain(t, ta.say("leader-1", "看板"), "网页看板未开启")
	if code, _ := ta.browser().get("/"); code != http.StatusNotFound {
		t.Errorf("GET / with the console off: %d", code)
	}
}

// The link's host is [server] public_url.
func TestConsoleLinkHost(t *testing.T) {
	ta := newTestApp(t, consoleNow, func(c *config.Config) { c.Server.PublicURL = "https://baosong.example.edu.cn/" })
	mustContain(t, ta.say("leader-1", "登录"), "https://baosong.example.edu.cn/login?t=")
	mustContain(t, ta.say("leader-1", "后台"), "https://baosong.example.edu.cn/login?t=")
}

// What a client sends never breaks a page: odd paths and parameters get a
// clear 4xx page, never a 500, and nothing without a session is served.
func TestConsoleHostileRequests(t *testing.T) {
	ta := consoleApp(t)
	anon := ta.browser()
	for _, p := range []string{"/", "/attendance", "/incidents", "/incidents/E1", "/desk", "/charts", "/schedule",
		"/download?what=attendance&period=2026-11"} {
		if code, body := anon.get(p); code != http.StatusUnauthorized || !strings.Contains(body, "看板") {
			t.Errorf("%s without a session: %d", p, code)
		}
	}
	b := ta.browser()
	b.login(ta.link("office-1"))
	for path, want := range map[string]int{
		"/attendance?m=2026":                  http.StatusNotFound, // a year is not a month view
		"/attendance?m=%00":                   http.StatusNotFound,
		"/attendance?c=nosuchclass":           http.StatusForbidden,
		"/desk?p=2026Q9":                      http.StatusNotFound,
		"/desk?p=<script>":                    http.StatusNotFound,
		"/incidents/%3Cscript%3E":             http.StatusNotFound,
		"/incidents/E1%00":                    http.StatusNotFound,
		"/download?what=../../etc":            http.StatusNotFound,
		"/download?what=attendance":           http.StatusBadRequest,
		"/download?what=points&period=2026Q4": http.StatusOK,
		"/nosuchpage":                         http.StatusNotFound,
	} {
		if code, body := b.get(path); code != want || strings.Contains(body, "<script>") {
			t.Errorf("%s: %d, want %d", path, code, want)
		}
	}
}
