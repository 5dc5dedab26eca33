package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/local"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/loadgen"
	"github.com/baosong/baosong/store"
)

// Crash safety (SPEC §11 Durable, Idempotent): the real binary serves
// attendance forms and queries from concurrent clients and is killed with
// SIGKILL at random moments, then restarted on the same data. At the end:
//
//   - every message answered with HTTP 200 is stored exactly once: one
//     attendance record per form (found by its unique message time), under
//     the id its reply named, and a resend gets the very same reply;
//   - every push queued with a record is delivered after the restarts:
//     each absence notice reaches its class teacher (local inbox or the fake
//     WeCom API), each threshold warning reaches teacher, grade lead and
//     office alike, and the outbox is empty;
//   - nothing is delivered twice to a local inbox; the WeCom API may see a
//     push twice when a kill falls between its answer and the outbox's
//     commit (at least once), which is counted and bounded.
func TestCrashSafetyKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	const kills = 6
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 7))

	bin := buildBinary(t)
	api := &countingWeCom{got: map[string]int{}}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	cfgPath, wecomTeachers := writeCrashConfig(t, apiSrv.URL)
	data := t.TempDir()
	sv := &crashServer{t: t, bin: bin, config: cfgPath, data: data, start: time.Now()}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	gen := newCrashLoad(seed, cfg)
	client := &http.Client{Timeout: 10 * time.Second}

	for cycle := range kills {
		url := sv.run()
		ctx, cancel := context.WithCancel(context.Background())
		wait := gen.drive(ctx, client, func(int) string { return url })
		<-time.After(time.Duration(50+rnd.IntN(550)) * time.Millisecond)
		sv.kill() // while requests are in flight and pushes are going out
		cancel()
		wait()
		t.Logf("cycle %d: %d messages sent, %d acknowledged so far", cycle+1, gen.sent(), gen.acked())
	}

	// Restart once more: resend whatever was never acknowledged, then every
	// acknowledged message (the same reply, nothing new stored).
	url := sv.run()
	acked := gen.acked()
	for _, m := range gen.all() {
		if m.reply != nil {
			m.ackedUnderLoad = true
			continue
		}
		for try := 0; m.reply == nil; try++ {
			if try == 3 {
				t.Fatalf("message %s never acknowledged after the restarts: %v", m.id, m.err)
			}
			gen.send(context.Background(), client, url, m)
		}
	}
	for _, m := range gen.all() {
		first := *m.reply
		gen.send(context.Background(), client, url, m)
		if *m.reply != first {
			t.Errorf("resent %s (%s) got another reply:\n%s\n---\n%s", m.id, m.text, first, *m.reply)
		}
	}
	sv.drain(url)
	inboxes := map[string][]local.Message{}
	for _, who := range sv.localRecipients {
		inboxes[who] = readInbox(t, client, url, who)
	}
	sv.stop()

	// Records, read from the stopped server's data.
	db, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var entries []attendance.Entry
	if err := db.View(func(tx *store.Tx) error {
		return store.Each(tx, "A", func(e *attendance.Entry) bool { entries = append(entries, *e); return true })
	}); err != nil {
		t.Fatal(err)
	}
	failed, err := db.Failed(10)
	if err != nil {
		t.Fatal(err)
	}
	depth, err := db.Depth()
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if depth != 0 || len(failed) != 0 {
		t.Errorf("outbox holds %d pushes, %d failed: %+v", depth, len(failed), failed)
	}

	entryByID, unnamed := storedOnce(t, gen, entries)

	// Every absence notice reached its teacher: exactly once in a local
	// inbox, at least once (counted) at the WeCom API; nothing else arrived.
	received := map[string]map[string]int{} // recipient → text without title → deliveries
	add := func(who, text string, n int) {
		if received[who] == nil {
			received[who] = map[string]int{}
		}
		received[who][text] += n
	}
	for who, msgs := range inboxes {
		for _, m := range msgs {
			_, text, _ := strings.Cut(m.Text, "\n")
			add(who, text, 1)
		}
	}
	wecomPushes, wecomDup := 0, 0
	for k, n := range api.snapshot() {
		who, content, _ := strings.Cut(k, "|")
		_, text, _ := strings.Cut(content, "\n")
		add(who, text, n)
		wecomPushes += n
		wecomDup += n - 1
	}
	notices := map[string]int{} // record id → notices delivered
	for who, texts := range received {
		for text, n := range texts {
			if n > 1 && !wecomTeachers[who] {
				t.Errorf("local inbox %s got a push %d times: %s", who, n, text)
			}
			if sub := noticeID.FindStringSubmatch(text); sub != nil {
				notices[sub[1]] += n
				if e, ok := entryByID[sub[1]]; !ok || "teacher-"+e.Unit != who {
					t.Errorf("notice of %s went to %s: no such record of that class", sub[1], who)
				}
			}
		}
	}
	pushes := 0
	for _, e := range entries {
		if !hasNotable(e.Rows) {
			continue
		}
		pushes++
		if notices[e.ID] == 0 {
			t.Errorf("notice of %s (teacher-%s) lost", e.ID, e.Unit)
		}
	}

	// Threshold warnings: every recipient of a class heard of the same ones.
	warnings := func(who string) map[string]bool {
		out := map[string]bool{}
		for text := range received[who] {
			if strings.Contains(text, "旷课累计") {
				out[text] = true
			}
		}
		return out
	}
	teachers, leads := map[string]bool{}, map[string]bool{}
	for who := range received {
		for text := range warnings(who) {
			switch {
			case strings.HasPrefix(who, "teacher-"):
				teachers[text] = true
			case strings.HasPrefix(who, "lead-"):
				leads[text] = true
			}
		}
	}
	office := warnings("office-1")
	if !sameSet(teachers, leads) || !sameSet(teachers, office) {
		t.Errorf("threshold warnings differ: teachers %d, grade leads %d, office %d", len(teachers), len(leads), len(office))
	}
	if wecomDup > kills*8 { // at most one per push in flight (8 workers) at each kill
		t.Errorf("the WeCom API got %d duplicate pushes over %d kills", wecomDup, kills)
	}
	t.Logf("%d kills; %d messages sent, %d acknowledged before the last restart, %d forms stored; "+
		"%d absence notices, %d threshold warnings to %d recipients; WeCom API: %d pushes, %d duplicates; "+
		"%d forms first answered after a restart with %q",
		kills, gen.sent(), acked, len(entries), pushes, len(office), len(received), wecomPushes, wecomDup, unnamed, bot.TextDuplicate)
}

// storedOnce checks that every acknowledged form is stored exactly once,
// under the id its reply named; it returns the records by id and how many
// forms were first answered after a kill cut their handling short.
func storedOnce(t *testing.T, gen *crashLoad, entries []attendance.Entry) (map[string]attendance.Entry, int) {
	t.Helper()
	forms := map[int64]*sentMessage{} // by message time
	for _, m := range gen.all() {
		if m.form {
			forms[m.at.Unix()] = m
		}
	}
	stored := map[int64]attendance.Entry{}     // by message time
	entryByID := map[string]attendance.Entry{} // by record id
	for _, e := range entries {
		entryByID[e.ID] = e
		m := forms[e.At.Unix()]
		if m == nil {
			t.Errorf("record %s (%s) matches no form sent", e.ID, e.At)
			continue
		}
		if prev, dup := stored[e.At.Unix()]; dup {
			t.Errorf("form %s stored twice: %s and %s", m.id, prev.ID, e.ID)
		}
		stored[e.At.Unix()] = e
	}
	unnamed := 0 // forms whose first answer came after a kill cut their handling short
	for _, m := range forms {
		e, ok := stored[m.at.Unix()]
		if !ok {
			t.Errorf("form %s (%s) acknowledged but not stored; reply:\n%s", m.id, m.text, *m.reply)
			continue
		}
		switch id := recordID.FindString(*m.reply); {
		case id == e.ID:
		case id == "" && *m.reply == bot.TextDuplicate && !m.ackedUnderLoad:
			unnamed++
		default:
			t.Errorf("form %s stored as %s, acknowledged as:\n%s", m.id, e.ID, *m.reply)
		}
	}
	return entryByID, unnamed
}

var (
	recordID = regexp.MustCompile(`\bA\d+\b`)
	noticeID = regexp.MustCompile(`报表 (A\d+)（`)
)

func hasNotable(rows []attendance.Row) bool {
	for _, r := range rows {
		if r.Notable() {
			return true
		}
	}
	return false
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// buildBinary compiles this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "baosong")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeCrashConfig writes a generated school of 24 classes whose even
// classes' teachers are on WeCom (the fake API) and everyone else on the
// local channel; it returns the WeCom teachers.
func writeCrashConfig(t *testing.T, apiBase string) (string, map[string]bool) {
	t.Helper()
	var b bytes.Buffer
	if err := loadgen.WriteConfig(&b, loadgen.Scale{Classes: 24, Students: 8}, apiBase); err != nil {
		t.Fatal(err)
	}
	wecom := map[string]bool{}
	for i := 0; i < 24; i += 2 {
		wecom["teacher-"+loadgen.ClassID(i)] = true
	}
	var out strings.Builder
	member := ""
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if id, ok := strings.CutPrefix(line, "id = "); ok {
			member = strings.Trim(strings.TrimSpace(id), `"`)
		}
		if strings.TrimSpace(line) == `channel = "wecom"` && !wecom[member] {
			line = "channel = \"local\"\n"
		}
		out.WriteString(line)
	}
	path := filepath.Join(t.TempDir(), "crash.toml")
	if err := os.WriteFile(path, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, wecom
}

// crashServer runs the binary over one data directory, one process at a time.
type crashServer struct {
	t               *testing.T
	bin, config     string
	data            string
	start           time.Time // the server clock runs on from clock across restarts
	clock           time.Time // the server's time at start; crashClock when zero
	cmd             *exec.Cmd
	stderr          *bytes.Buffer
	runs            int
	localRecipients []string
}

// crashClock is the server's time at the first start: a Wednesday morning
// with no scheduled job near, inside the window of Thursday's form.
var crashClock = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// run starts the server and returns its URL.
func (s *crashServer) run() string {
	s.t.Helper()
	s.runs++
	clock := s.clock
	if clock.IsZero() {
		clock = crashClock
	}
	now := clock.Add(time.Since(s.start)).Format(time.RFC3339)
	cmd := exec.Command(s.bin, "serve", "-insecure-loopback", "-config", s.config, "-listen", "127.0.0.1:0", "-data", s.data, "-now", now)
	s.stderr = &bytes.Buffer{}
	cmd.Stderr = &syncWriter{w: s.stderr}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.cmd = cmd
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
				addr <- strings.Fields(rest)[0]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			_ = cmd.Wait()
			s.t.Fatalf("run %d: server exited: %s", s.runs, s.stderr)
		}
		if s.localRecipients == nil {
			s.localRecipients = localMembers(s.config)
		}
		return "http://" + a
	case <-time.After(15 * time.Second):
		s.kill()
		s.t.Fatalf("run %d: server did not start: %s", s.runs, s.stderr)
	}
	return ""
}

// kill sends SIGKILL and reaps the process.
func (s *crashServer) kill() {
	if err := s.cmd.Process.Kill(); err != nil {
		s.t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

// stop asks the server to shut down and waits for it.
func (s *crashServer) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		s.t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("server exit: %v\n%s", err, s.stderr)
	}
}

// drain waits until /metrics shows an empty outbox.
func (s *crashServer) drain(url string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/metrics")
		if err != nil {
			s.t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(raw, []byte("\nbaosong_outbox_depth 0\n")) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("outbox not drained: %s\n%s", depthLine(raw), s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func depthLine(metrics []byte) string {
	for _, l := range strings.Split(string(metrics), "\n") {
		if strings.HasPrefix(l, "baosong_outbox_depth ") {
			return l
		}
	}
	return "no baosong_outbox_depth"
}

// localMembers lists the members of the config on the local channel.
func localMembers(path string) []string {
	raw, _ := os.ReadFile(path)
	var out []string
	member := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if id, ok := strings.CutPrefix(line, "id = "); ok {
			member = strings.Trim(strings.TrimSpace(id), `"`)
		}
		if strings.TrimSpace(line) == `channel = "local"` {
			out = append(out, member)
		}
	}
	return out
}

func readInbox(t *testing.T, client *http.Client, base, member string) []local.Message {
	t.Helper()
	var all []local.Message
	after := uint64(0)
	for {
		resp, err := client.Get(base + "/hook/local/inbox?" + url.Values{"member": {member}, "after": {fmt.Sprint(after)}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var out local.InboxResponse
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			err = json.Unmarshal(raw, &out)
		}
		if err != nil {
			t.Fatalf("inbox of %s: HTTP %d %v: %s", member, resp.StatusCode, err, raw)
		}
		if len(out.Messages) == 0 {
			return all
		}
		all = append(all, out.Messages...)
		after = out.Messages[len(out.Messages)-1].Seq
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// sentMessage is one message of the run and what became of it.
type sentMessage struct {
	id, from, text string
	at             time.Time // unique per message: the record's key back to it
	form           bool
	reply          *string // the replies joined, once a 200 came
	ackedUnderLoad bool    // answered while the kills were going on
	err            error
}

// crashLoad makes the messages: mostly attendance forms with 旷课 (each
// queues a notice to the class teacher and, as hours add up, threshold
// warnings), and queries.
type crashLoad struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	students map[string][]string // class → roster
	classes  int                 // the messages come from the first classes; all 24 when 0
	msgs     []*sentMessage
}

// formBase is the first message time; message n is formBase + n seconds.
var formBase = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC).Add(-8 * time.Hour) // Tuesday 08:00 in Shanghai

func newCrashLoad(seed uint64, cfg *config.Config) *crashLoad {
	g := &crashLoad{rnd: rand.New(rand.NewPCG(seed, 11)), students: map[string][]string{}}
	for _, s := range cfg.Students {
		g.students[s.Unit] = append(g.students[s.Unit], s.Name)
	}
	return g
}

func (g *crashLoad) next() *sentMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := len(g.msgs)
	class := g.rnd.IntN(cmp.Or(g.classes, 24))
	cid := loadgen.ClassID(class)
	m := &sentMessage{id: fmt.Sprintf("crash-%d", n), from: "cadre-" + cid, at: formBase.Add(time.Duration(n) * time.Second)}
	switch r := g.rnd.IntN(10); {
	case r < 8:
		m.form = true
		roster := g.students[cid]
		// Two different students: one student twice with one type is asked back.
		i, j := g.rnd.IntN(len(roster)), g.rnd.IntN(len(roster)-1)
		if j >= i {
			j++
		}
		s1, s2 := roster[i], roster[j]
		m.text = fmt.Sprintf("考勤 旷课：%s%d节，%s1节", s1, 1+g.rnd.IntN(2), s2)
	case r == 8:
		m.from, m.text = "teacher-"+cid, "未交"
	default:
		m.text = "我的"
	}
	g.msgs = append(g.msgs, m)
	return m
}

// send posts m once; a 200 stores its reply.
func (g *crashLoad) send(ctx context.Context, c *http.Client, base string, m *sentMessage) {
	body, _ := json.Marshal(local.Request{From: m.from, Text: m.text, ID: m.id, At: m.at.Format(time.RFC3339)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/hook/local", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		g.mu.Lock()
		m.err = err
		g.mu.Unlock()
		return
	}
	defer resp.Body.Close()
	var out local.Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		g.mu.Lock()
		m.err = fmt.Errorf("HTTP %d: %v %+v", resp.StatusCode, err, out)
		g.mu.Unlock()
		return
	}
	texts := make([]string, len(out.Replies))
	for i, r := range out.Replies {
		texts[i] = r.Text
	}
	reply := strings.Join(texts, "\n")
	g.mu.Lock()
	m.reply = &reply
	g.mu.Unlock()
}

// drive sends new messages from 6 clients, ≈ 330 a second in all, client
// w to url(w), until ctx ends; the returned wait waits for the clients.
func (g *crashLoad) drive(ctx context.Context, c *http.Client, url func(w int) string) (wait func()) {
	var wg sync.WaitGroup
	pace := time.NewTicker(3 * time.Millisecond)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case <-pace.C:
				}
				g.send(ctx, c, url(w), g.next())
			}
		}()
	}
	return func() { wg.Wait(); pace.Stop() }
}

func (g *crashLoad) all() []*sentMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*sentMessage(nil), g.msgs...)
}

func (g *crashLoad) sent() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.msgs)
}

func (g *crashLoad) acked() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, m := range g.msgs {
		if m.reply != nil {
			n++
		}
	}
	return n
}

// countingWeCom is the WeCom API: tokens, and app messages counted by
// recipient and content.
type countingWeCom struct {
	mu  sync.Mutex
	got map[string]int // userid|content → times received
}

func (f *countingWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"tok","expires_in":7200}`)
	case "/cgi-bin/message/send":
		var m struct {
			ToUser string `json:"touser"`
			Text   struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || r.URL.Query().Get("access_token") != "tok" {
			_, _ = io.WriteString(w, `{"errcode":40014,"errmsg":"invalid access_token"}`)
			return
		}
		f.mu.Lock()
		for _, u := range strings.Split(m.ToUser, "|") {
			f.got[u+"|"+m.Text.Content]++
		}
		f.mu.Unlock()
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":""}`)
	default:
		http.NotFound(w, r)
	}
}

func (f *countingWeCom) snapshot() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.got))
	for k, v := range f.got {
		out[k] = v
	}
	return out
}
