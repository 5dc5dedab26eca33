package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/loadgen"
)

func runLoadgen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("loadgen", stderr)
	gen := fs.String("gen", "", "write a generated organisation's config to this file and exit")
	classes := fs.Int("classes", loadgen.DefaultScale.Classes, "with -gen: classes")
	students := fs.Int("students", loadgen.DefaultScale.Students, "with -gen: students per class")
	staff := fs.Int("staff", loadgen.DefaultScale.Staff, "with -gen: staff")
	apiBase := fs.String("api-base", "http://127.0.0.1:9990", "with -gen: the WeCom API the server calls (see -fake-wecom)")
	fill := fs.String("fill", "", "with -config: write a school year of records into this data directory (server stopped) and exit")
	year := fs.Int("year", 2025, "with -fill: the school year that starts in September of this year")
	items := fs.Int("items", 5000, "with -fill: information items in the year")
	incidents := fs.Int("incidents", 120, "with -fill: incidents in the year")
	fake := fs.String("fake-wecom", "", "serve a fake WeCom API on this address during the run and report what it received")
	path := fs.String("config", "", "the configuration the server runs (to know its members and rosters)")
	server := fs.String("server", "http://127.0.0.1:8080", "server URL")
	channel := fs.String("channel", "local", "local or wecom (encrypted callbacks)")
	rate := fs.Float64("rate", 0, "open loop: messages a second (0: closed loop)")
	conc := fs.Int("c", 32, "closed loop: concurrent clients; open loop: most requests in flight")
	dur := fs.Duration("d", 10*time.Second, "how long to send")
	mix := fs.String("mix", "85,14,1", "attendance,query,incident shares")
	token := fs.String("token", os.Getenv("BAOSONG_TOKEN"), "local_token of the server")
	footprint := fs.String("footprint", "", "print the bytes a stopped server's database (a data directory, bbolt:DIR or postgres:DSN) holds per attendance entry, by bucket, and exit")
	spread := fs.Bool("spread", false, "date each attendance form two hours before a random due time of the last ended school year "+
		"(the local hook's \"at\", WeCom's CreateTime) instead of now, so that each class form gets a few entries as in a school")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *gen != "" {
		f, err := os.Create(*gen)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := loadgen.WriteConfig(f, loadgen.Scale{Classes: *classes, Students: *students, Staff: *staff}, *apiBase); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %d classes, %d students, %d staff\n", *gen, *classes, *classes**students, *staff)
		return f.Close()
	}
	if *footprint != "" {
		return loadgen.Footprint(stdout, *footprint)
	}
	m, err := parseMix(*mix)
	if err != nil {
		return fmt.Errorf("%w: -mix %v", errUsage, err)
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	if *fill != "" {
		loc := cfg.Location()
		o := loadgen.FillOptions{From: time.Date(*year, 9, 1, 0, 0, 0, 0, loc), To: time.Date(*year+1, 7, 15, 0, 0, 0, 0, loc),
			Items: *items, Incidents: *incidents}
		start := time.Now()
		res, err := loadgen.Fill(context.Background(), cfg, *fill, o, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "filled %s in %.0fs: %d attendance entries, %d items, %d incidents, %d pushes (marked delivered)\n",
			*fill, time.Since(start).Seconds(), res.Forms, res.Items, res.Incidents, res.Pushes)
		return nil
	}
	var fw *loadgen.FakeWeCom
	if *fake != "" {
		fw = &loadgen.FakeWeCom{}
		ln, err := net.Listen("tcp", *fake)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: fw, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
	}
	fmt.Fprintf(stdout, "driving %s via %s for %v (%s)\n", *server, *channel, *dur, describeLoad(*rate, *conc))
	res, err := loadgen.Run(context.Background(), cfg, loadgen.Options{Server: strings.TrimRight(*server, "/"),
		Channel: *channel, Token: *token, Rate: *rate, Concurrency: *conc, Duration: *dur, Mix: m,
		Progress: stdout, Seed: uint64(time.Now().UnixNano()), Spread: *spread})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, res)
	if fw != nil {
		time.Sleep(2 * time.Second) // let the outbox drain what it has
		msgs, robots := fw.Counts()
		fmt.Fprintf(stdout, "fake WeCom API received %d app messages, %d robot posts, %d duplicates\n", msgs, robots, fw.Duplicates())
	}
	if res.OK < res.Sent {
		return fmt.Errorf("%d of %d requests failed", res.Sent-res.OK, res.Sent)
	}
	return nil
}

func describeLoad(rate float64, conc int) string {
	if rate > 0 {
		return fmt.Sprintf("open loop at %.0f msgs/s", rate)
	}
	return fmt.Sprintf("closed loop, %d clients", conc)
}

func parseMix(s string) (loadgen.Mix, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return loadgen.Mix{}, fmt.Errorf("want three numbers")
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 {
			return loadgen.Mix{}, fmt.Errorf("bad share %q", p)
		}
		v[i] = f
	}
	if v[0]+v[1]+v[2] == 0 {
		return loadgen.Mix{}, fmt.Errorf("all shares are zero")
	}
	return loadgen.Mix{Attendance: v[0], Query: v[1], Incident: v[2]}, nil
}
