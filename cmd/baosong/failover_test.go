package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/internal/pgtest"
	"github.com/baosong/baosong/loadgen"
	"github.com/baosong/baosong/store"
)

// Two nodes on one PostgreSQL database (SPEC §16): the real binary twice,
// forms and queries through both, an urgent report escalating and the 15:00
// attendance reminder falling due while the elected node is killed with
// SIGKILL, twice (first one node, then the other). At the end:
//
//   - every acknowledged message is stored exactly once (as in the crash
//     test) and a resend through either node gets the very same reply;
//   - every reminder went out once: each class without a form has one, and
//     the node that took over ran the firing again without queueing it twice;
//   - every escalation round went out once, none was lost across the kills,
//     and the rounds after each kill came from the survivor;
//   - the survivor led (scheduler, clocks, outbox) within 5 s of each kill;
//   - nothing reached a local inbox twice, the outbox is empty.
func TestFailoverTwoNodes(t *testing.T) {
	dsn := pgtest.Env()
	if dsn == "" {
		t.Skip(pgtest.Skipped)
	}
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	base := dsn
	dsn, err := pgtest.DSN(base, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if !t.Failed() { // a failed run's schema stays, to be looked at
			_ = pgtest.Drop(base)
		}
	}()
	bin := buildBinary(t)
	api := &countingWeCom{got: map[string]int{}}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	cfgPath := writeFailoverConfig(t, apiSrv.URL, dsn)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	// Thursday, a form day, ten seconds before the 15:00 reminder.
	clock := time.Date(2026, 11, 26, 14, 59, 50, 0, time.FixedZone("CST", 8*3600))
	start := time.Now()
	nodes := [2]*crashServer{}
	urls := [2]string{}
	for i := range nodes {
		nodes[i] = &crashServer{t: t, bin: bin, config: cfgPath, data: t.TempDir(), start: start, clock: clock}
		urls[i] = nodes[i].run()
		if i == 0 && !leads(t, urls[0]) {
			t.Fatal("the first node does not lead")
		}
	}
	defer func() {
		for _, n := range nodes {
			if n.cmd.ProcessState == nil {
				n.kill()
			}
		}
	}()
	if leads(t, urls[1]) {
		t.Fatal("both nodes lead")
	}
	client := &http.Client{Timeout: 10 * time.Second}

	// Only the first 16 classes send forms: the other 8 are reminded at 15:00.
	gen := newCrashLoad(uint64(start.UnixNano()), cfg)
	gen.classes = 16
	report := &sentMessage{id: "report-1", from: "teacher-" + loadgen.ClassID(1), at: clock,
		text: "急报 高一(1)班2名学生课间追逐摔伤，1人头部出血，已送医"}
	gen.send(context.Background(), client, urls[1], report) // through the node that does not lead
	if report.reply == nil || !strings.Contains(*report.reply, "已收到急报 E1") {
		t.Fatalf("the report through the follower: %v %v", report.reply, report.err)
	}
	reported := time.Now()

	// Load through both nodes while the leader is killed twice.
	ctx, stopLoad := context.WithCancel(context.Background())
	var mu sync.Mutex
	up := urls
	wait := gen.drive(ctx, client, func(w int) string {
		mu.Lock()
		defer mu.Unlock()
		return up[w%2]
	})
	var takeovers []time.Duration
	failover := func(at time.Duration) {
		time.Sleep(time.Until(start.Add(at)))
		leader := 0
		if !leads(t, urls[0]) {
			leader = 1
		}
		survivor := 1 - leader
		killed := time.Now()
		nodes[leader].kill()
		for !leads(t, urls[survivor]) {
			if time.Since(killed) > 5*time.Second {
				t.Fatalf("node %d did not take over within 5 s", survivor+1)
			}
			time.Sleep(10 * time.Millisecond)
		}
		took := time.Since(killed)
		takeovers = append(takeovers, took)
		t.Logf("%v: node %d killed (%d messages sent, %d acknowledged); node %d led after %v",
			at, leader+1, gen.sent(), gen.acked(), survivor+1, took.Round(time.Millisecond))
		mu.Lock()
		up[leader] = urls[survivor] // the balancer sends everything to the survivor
		mu.Unlock()
		urls[leader] = nodes[leader].run() // back, as the follower
		if leads(t, urls[leader]) {
			t.Errorf("node %d leads again after its restart", leader+1)
		}
		mu.Lock()
		up[leader] = urls[leader]
		mu.Unlock()
	}
	failover(12 * time.Second) // after the 15:00 reminder and round 2 of the escalation
	failover(19 * time.Second) // between rounds 3 and 4
	time.Sleep(time.Until(start.Add(24 * time.Second)))
	stopLoad()
	wait()
	db, err := store.OpenPostgres(dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		inc, err := db.Incident("E1") // round 4 falls due 20 s after the report, after the second kill
		if err != nil {
			t.Fatal(err)
		}
		if rounds, _ := escalation(inc); slices.Contains(rounds, 4) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("escalation round 4 not sent: %v", inc.Sent)
		}
	}
	ack := &sentMessage{id: "ack-1", from: "leader-2", at: clock, text: "收到 E1"}
	gen.send(context.Background(), client, urls[0], ack)
	if ack.reply == nil || !strings.Contains(*ack.reply, "已确认急报 E1") {
		t.Fatalf("acknowledgement: %v %v", ack.reply, ack.err)
	}
	t.Logf("report at %v; load stopped at 24s", reported.Sub(start).Round(time.Millisecond))

	// Resend: what was never acknowledged, then everything through the
	// other node than before — the same reply, nothing new stored.
	resend(t, gen, client, urls, func(m *sentMessage) bool { return m.reply == nil })
	first := map[*sentMessage]string{}
	for _, m := range gen.all() {
		first[m] = *m.reply
	}
	resend(t, gen, client, urls, func(*sentMessage) bool { return true })
	for m, reply := range first {
		if *m.reply != reply {
			t.Errorf("resent %s (%s) got another reply:\n%s\n---\n%s", m.id, m.text, reply, *m.reply)
		}
	}
	leader := urls[0]
	if !leads(t, leader) {
		leader = urls[1]
	}
	nodes[0].drain(leader)
	members := localMembers(cfgPath)
	inboxes := map[string][]string{}
	for _, who := range members {
		for _, m := range readInbox(t, client, leader, who) {
			inboxes[who] = append(inboxes[who], m.Text)
		}
	}
	backup := runBackup([]string{"-o", t.TempDir() + "/b.db", "-server", leader}, new(strings.Builder), new(strings.Builder))
	if backup == nil || !strings.Contains(backup.Error(), "pg_dump") {
		t.Errorf("baosong backup on PostgreSQL: %v, want a refusal naming pg_dump", backup)
	}
	for _, n := range nodes {
		n.stop()
	}

	var entries []attendance.Entry
	if err := db.View(func(tx *store.Tx) error {
		return store.Each(tx, "A", func(e *attendance.Entry) bool { entries = append(entries, *e); return true })
	}); err != nil {
		t.Fatal(err)
	}
	storedOnce(t, gen, entries)
	if depth, err := db.Depth(); err != nil || depth != 0 {
		t.Errorf("outbox holds %d pushes (%v)", depth, err)
	}

	// Nothing twice in a local inbox; the reminders once each.
	for who, texts := range inboxes {
		seen := map[string]bool{}
		for _, text := range texts {
			if seen[text] {
				t.Errorf("%s got a push twice: %s", who, text)
			}
			seen[text] = true
		}
	}
	for c := range 24 {
		cadre := "cadre-" + loadgen.ClassID(c)
		n := 0
		for _, text := range inboxes[cadre] {
			if strings.Contains(text, "考勤提醒") {
				n++
			}
		}
		if c >= 16 && n != 1 || n > 1 {
			t.Errorf("%s got %d attendance reminders", cadre, n)
		}
	}

	// The escalation: every round from 0 on was marked sent, and each push
	// of it reached its recipient once; rounds went on after both kills.
	inc, err := db.Incident("E1")
	if err != nil {
		t.Fatal(err)
	}
	rounds, sent := escalation(inc)
	t.Logf("escalation rounds sent: %v; takeovers %v", rounds, takeovers)
	if len(rounds) < 5 || rounds[len(rounds)-1] != len(rounds)-1 {
		t.Errorf("escalation rounds %v: want 0, 1, 2, 3, 4 … without a gap (round 4 came after the second kill)", rounds)
	}
	for who, n := range sent {
		got := 0
		for _, text := range inboxes[who] {
			if strings.Contains(text, "E1") && strings.Contains(text, "急报") && !strings.Contains(text, "已确认") {
				got++
			}
		}
		if got != n {
			t.Errorf("%s: %d escalation pushes of E1 in the inbox, %d marked sent", who, got, n)
		}
	}
}

// escalation lists the escalation rounds an incident marked sent, in order,
// and how many of its escalation pushes went to each member.
func escalation(inc *incident.Incident) ([]int, map[string]int) {
	var rounds []int
	sent := map[string]int{}
	for key := range inc.Sent {
		parts := strings.Split(key, "|") // E1|esc|2|leader-2
		if len(parts) != 4 || !slices.Contains([]string{"alert", "esc", "renotify"}, parts[1]) {
			continue
		}
		var r int
		fmt.Sscan(parts[2], &r)
		if !slices.Contains(rounds, r) {
			rounds = append(rounds, r)
		}
		sent[parts[3]]++
	}
	slices.Sort(rounds)
	return rounds, sent
}

// leads asks a node whether it is the elected one.
func leads(t *testing.T, url string) bool {
	t.Helper()
	resp, err := http.Get(url + "/healthz?verbose=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status string `json:"status"`
		Leader bool   `json:"leader"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %s: HTTP %d %+v %v", url, resp.StatusCode, h, err)
	}
	return h.Leader
}

// resend sends again, through the other node in turn, the messages pick
// chooses, until each has a reply.
func resend(t *testing.T, gen *crashLoad, client *http.Client, urls [2]string, pick func(*sentMessage) bool) {
	t.Helper()
	work := make(chan *sentMessage)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				for try := 0; ; try++ {
					m.reply = nil
					gen.send(context.Background(), client, urls[(w+try)%2], m)
					if m.reply != nil || try == 3 {
						break
					}
				}
			}
		}()
	}
	for _, m := range gen.all() {
		if pick(m) {
			work <- m
		}
	}
	close(work)
	wg.Wait()
	for _, m := range gen.all() {
		if m.reply == nil {
			t.Fatalf("message %s never acknowledged: %v", m.id, m.err)
		}
	}
}

// writeFailoverConfig is the crash test's school on one PostgreSQL
// database, everyone on the local channel (whose inboxes show a push
// delivered twice), with an escalation every 5 s.
func writeFailoverConfig(t *testing.T, apiBase, dsn string) string {
	t.Helper()
	path, _ := writeCrashConfig(t, apiBase)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(raw), "channel = \"wecom\"", "channel = \"local\"")
	s = strings.Replace(s, "[[incident.level]]",
		"[incident]\nack_within = \"5s\"\nrepeat_every = \"5s\"\n\n[[incident.level]]", 1)
	s = fmt.Sprintf("[store]\ndriver = \"postgres\"\ndsn = %q\n\n%s", dsn, s)
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
