package loadgen

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
)

// Options drive a run.
type Options struct {
	Server      string        // base URL of the running server
	Channel     string        // "local" or "wecom"
	Token       string        // local_token, if the server has one
	Rate        float64       // open loop: messages a second (0: closed loop)
	Concurrency int           // closed loop: workers; open loop: the most requests in flight
	Duration    time.Duration // how long to send
	Mix         Mix           // share of each kind of message
	Progress    io.Writer     // a line every Every; nil for none
	Every       time.Duration
	Seed        uint64
	// Spread dates each attendance form two hours before a due time of the
	// last school year that has ended (September to July 10), chosen at
	// random, instead of now: the local hook's "at", WeCom's CreateTime. Every
	// class form then gets a few entries, as in a school, instead of all
	// of a run's forms piling into each class's current form.
	Spread bool
}

// Mix is the share of each kind of message (any scale).
type Mix struct{ Attendance, Query, Incident float64 }

// DefaultMix is what a school sends: mostly forms, some queries, rare incidents.
var DefaultMix = Mix{Attendance: 85, Query: 14, Incident: 1}

// Result is what a run measured.
type Result struct {
	Sent, OK   int64
	Errors     map[string]int64
	Elapsed    time.Duration
	Latencies  []time.Duration // sorted
	ByKind     map[string]int64
	Throughput float64
}

// Percentile returns the q-th (0..1) latency.
func (r *Result) Percentile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Latencies)-1) + 0.5)
	return r.Latencies[min(i, len(r.Latencies)-1)]
}

// String is the report printed at the end of a run.
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sent %d, ok %d, errors %d in %.1fs: %.0f msgs/s\n", r.Sent, r.OK, r.Sent-r.OK, r.Elapsed.Seconds(), r.Throughput)
	fmt.Fprintf(&b, "latency p50 %v  p90 %v  p99 %v  p99.9 %v  max %v\n", r.Percentile(.5).Round(time.Microsecond),
		r.Percentile(.9).Round(time.Microsecond), r.Percentile(.99).Round(time.Microsecond), r.Percentile(.999).Round(time.Microsecond),
		r.Percentile(1).Round(time.Microsecond))
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %-10s %d\n", k, r.ByKind[k])
	}
	for k, n := range r.Errors {
		fmt.Fprintf(&b, "  error %s: %d\n", k, n)
	}
	return b.String()
}

// population is who speaks in a run.
type population struct {
	classes  []class
	teachers []string
	leads    []string
	office   string
}

type class struct {
	cadre    string
	students []string
}

func newPopulation(c *config.Config) (*population, error) {
	p := &population{}
	roster := map[string][]string{}
	for _, s := range c.Students {
		roster[s.Unit] = append(roster[s.Unit], s.Name)
	}
	for _, m := range c.Members {
		for _, r := range m.Roles {
			switch r {
			case "cadre":
				p.classes = append(p.classes, class{cadre: userOf(m, c), students: roster[m.Units[0]]})
			case "teacher":
				p.teachers = append(p.teachers, userOf(m, c))
			case "grade_lead":
				p.leads = append(p.leads, userOf(m, c))
			case "office":
				p.office = userOf(m, c)
			}
		}
	}
	if len(p.classes) == 0 || len(p.teachers) == 0 {
		return nil, fmt.Errorf("loadgen: the configuration has no cadres or teachers")
	}
	return p, nil
}

// userOf is the id the member is known by on the channel used (wecom user id
// or member id; the local hook takes member ids).
func userOf(m org.Member, c *config.Config) string {
	if c.WeCom.Enabled && m.WeComUser != "" {
		return m.WeComUser
	}
	return m.ID
}

type message struct {
	kind, from, text string
	at               time.Time // the message time; zero: now
}

// spreadDues are the due times of the last school year that ended before now.
func spreadDues(c *config.Config, now time.Time) ([]time.Time, error) {
	cal, err := org.CalendarOf(c)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	loc := c.Location()
	now = now.In(loc)
	year := now.Year() - 2
	if now.After(time.Date(now.Year(), 7, 10, 0, 0, 0, 0, loc)) {
		year = now.Year() - 1
	}
	dues := attendance.NewSchedule(c.Attendance, cal).Between(time.Date(year, 9, 1, 0, 0, 0, 0, loc), time.Date(year+1, 7, 10, 0, 0, 0, 0, loc))
	if len(dues) == 0 {
		return nil, fmt.Errorf("loadgen: no attendance due time in the school year %d/%d", year, year+1)
	}
	return dues, nil
}

func (p *population) message(r *rand.Rand, mix Mix) message {
	total := mix.Attendance + mix.Query + mix.Incident
	x := r.Float64() * total
	switch {
	case x < mix.Attendance:
		c := p.classes[r.IntN(len(p.classes))]
		if len(c.students) < 3 || r.IntN(4) == 0 {
			return message{kind: "attendance", from: c.cadre, text: "考勤 全勤"}
		}
		s := func() string { return c.students[r.IntN(len(c.students))] }
		// Two different students for 旷课: one student twice with one type is asked back.
		n := len(c.students)
		i, j := r.IntN(n), r.IntN(n-1)
		if j >= i {
			j++
		}
		return message{kind: "attendance", from: c.cadre, text: fmt.Sprintf("考勤 旷课：%s%d节，%s一节；晚归：%s；夜不归宿：无；请假：%s 病假2节 批准人 班主任",
			c.students[i], 1+r.IntN(3), c.students[j], s(), s())}
	case x < mix.Attendance+mix.Query:
		switch r.IntN(3) {
		case 0:
			return message{kind: "query", from: p.teachers[r.IntN(len(p.teachers))], text: "未交"}
		case 1:
			return message{kind: "query", from: p.teachers[r.IntN(len(p.teachers))], text: "预警"}
		default:
			return message{kind: "query", from: p.classes[r.IntN(len(p.classes))].cadre, text: "帮助"}
		}
	default:
		return message{kind: "incident", from: p.teachers[r.IntN(len(p.teachers))],
			text: fmt.Sprintf("急报 今天%d点%d分，%d名学生在食堂午餐后腹痛，已送县医院，其中1人住院观察", 11+r.IntN(2), r.IntN(60), 2+r.IntN(4))}
	}
}

// Run sends messages as the options say and measures every request.
func Run(ctx context.Context, c *config.Config, o Options) (*Result, error) {
	pop, err := newPopulation(c)
	if err != nil {
		return nil, err
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 32
	}
	if o.Every <= 0 {
		o.Every = 5 * time.Second
	}
	send := localSender(o)
	if o.Channel == "wecom" {
		send = wecomSender(o, c)
	}
	run := &runner{send: send, errors: map[string]int64{}, byKind: map[string]int64{}}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	start := time.Now()
	stopProgress := run.progress(o.Progress, o.Every, start)
	var dues []time.Time
	if o.Spread {
		if dues, err = spreadDues(c, time.Now()); err != nil {
			return nil, err
		}
	}
	var seq atomic.Int64
	next := func(r *rand.Rand) (message, string) {
		m := pop.message(r, o.Mix)
		if len(dues) > 0 && m.kind == "attendance" {
			m.at = dues[r.IntN(len(dues))].Add(-2 * time.Hour)
		}
		return m, fmt.Sprintf("lg-%d-%d", o.Seed, seq.Add(1))
	}
	var wg sync.WaitGroup
	if o.Rate > 0 {
		// Open loop: messages leave on schedule whatever the server does; latency
		// counts from the scheduled instant, so a slow server is not hidden.
		sem := make(chan struct{}, o.Concurrency)
		interval := time.Duration(float64(time.Second) / o.Rate)
		r := rand.New(rand.NewPCG(o.Seed, 1))
		for i := 0; ; i++ {
			due := start.Add(time.Duration(i) * interval)
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
			}
			if ctx.Err() != nil {
				break
			}
			m, id := next(r)
			select {
			case sem <- struct{}{}:
			default:
				run.fail("client_saturated")
				continue
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				run.one(m, id, due)
			}()
		}
	} else {
		for w := range o.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(o.Seed, uint64(w)+2))
				for ctx.Err() == nil {
					m, id := next(r)
					run.one(m, id, time.Now())
				}
			}()
		}
	}
	wg.Wait()
	stopProgress()
	res := run.result(time.Since(start))
	return res, nil
}

type runner struct {
	send      func(m message, id string) error
	mu        sync.Mutex
	sent, ok  int64
	errors    map[string]int64
	byKind    map[string]int64
	latencies []time.Duration
}

func (r *runner) one(m message, id string, due time.Time) {
	err := r.send(m, id)
	took := time.Since(due)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent++
	r.byKind[m.kind]++
	r.latencies = append(r.latencies, took)
	if err != nil {
		r.errors[errorKind(err)]++
		return
	}
	r.ok++
}

func (r *runner) fail(kind string) {
	r.mu.Lock()
	r.errors[kind]++
	r.sent++
	r.mu.Unlock()
}

func errorKind(err error) string {
	s := err.Error()
	if i := strings.Index(s, ":"); i > 0 {
		return s[:i]
	}
	return s
}

func (r *runner) progress(w io.Writer, every time.Duration, start time.Time) func() {
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	t := time.NewTicker(every)
	go func() {
		var last int64
		seen := 0 // latencies of earlier lines
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			r.mu.Lock()
			sent, ok := r.sent, r.ok
			now := &Result{Latencies: slices.Clone(r.latencies[seen:])}
			seen = len(r.latencies)
			r.mu.Unlock()
			slices.Sort(now.Latencies)
			fmt.Fprintf(w, "%5.0fs  sent %d  ok %d  %.0f msgs/s now  p99 %v  max %v\n", time.Since(start).Seconds(), sent, ok,
				float64(sent-last)/every.Seconds(), now.Percentile(.99).Round(time.Microsecond), now.Percentile(1).Round(time.Microsecond))
			last = sent
		}
	}()
	return func() { t.Stop(); close(done) }
}

func (r *runner) result(elapsed time.Duration) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	return &Result{Sent: r.sent, OK: r.ok, Errors: r.errors, Elapsed: elapsed, Latencies: r.latencies,
		ByKind: r.byKind, Throughput: float64(r.ok) / elapsed.Seconds()}
}

var httpClient = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute},
}

func post(req *http.Request) ([]byte, error) {
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("http_%d: %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	return body, nil
}

func localSender(o Options) func(message, string) error {
	return func(m message, id string) error {
		fields := map[string]string{"from": m.from, "text": m.text, "id": id}
		if !m.at.IsZero() {
			fields["at"] = m.at.Format(time.RFC3339)
		}
		body, _ := json.Marshal(fields)
		req, err := http.NewRequest(http.MethodPost, o.Server+"/hook/local", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if o.Token != "" {
			req.Header.Set("Authorization", "Bearer "+o.Token)
		}
		raw, err := post(req)
		if err != nil {
			return err
		}
		var out struct {
			Replies []struct{ Text string } `json:"replies"`
		}
		if json.Unmarshal(raw, &out) != nil || len(out.Replies) == 0 {
			return fmt.Errorf("bad_reply: %s", raw)
		}
		return nil
	}
}

// wecomSender posts each message as WeCom would.
func wecomSender(o Options, c *config.Config) func(message, string) error {
	return func(m message, id string) error {
		now := time.Now()
		q, body, err := WeComCallback(c.WeCom, m.from, m.text, hash(id), now, cmp.Or(m.at, now))
		if err != nil {
			return fmt.Errorf("encrypt: %w", err)
		}
		req, err := http.NewRequest(http.MethodPost, o.Server+"/hook/wecom?"+q.Encode(), strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "text/xml")
		_, err = post(req)
		return err
	}
}

// WeComCallback builds the query and body of a WeCom text-message callback
// exactly as WeCom sends it, signed at now for a message created at
// created: the XML encrypted with the EncodingAESKey and receiveid =
// CorpID, and msg_signature over token, timestamp, nonce and the
// ciphertext.
func WeComCallback(w config.WeCom, from, text string, msgID uint64, now, created time.Time) (url.Values, string, error) {
	plain := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId><AgentID>%d</AgentID></xml>", w.CorpID, from, created.Unix(), text, msgID, w.AgentID)
	return SealWeCom(w, plain, now)
}

// SealWeCom encrypts and signs a callback's plaintext XML at now, as
// WeCom does: the query and the body to post to /hook/wecom.
func SealWeCom(w config.WeCom, plain string, now time.Time) (url.Values, string, error) {
	ts := strconv.FormatInt(now.Unix(), 10)
	random := make([]byte, 16)
	_, _ = crand.Read(random)
	for i := range random {
		random[i] = 'a' + random[i]%26
	}
	enc, err := util.EncryptMsg(random, []byte(plain), w.CorpID, w.EncodingAESKey)
	if err != nil {
		return nil, "", err
	}
	nonce := hex.EncodeToString(random[:4])
	sig := util.Signature(w.Token, ts, nonce, string(enc))
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt><AgentID><![CDATA[%d]]></AgentID></xml>",
		w.CorpID, enc, w.AgentID)
	return url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}, body, nil
}

// hash turns a run-unique id into a numeric WeCom MsgId.
func hash(s string) uint64 {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h >> 1
}
