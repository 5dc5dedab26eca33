package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/baosong/baosong/bot/local"
)

// client talks to a running server's local channel.
type client struct {
	server, member, token string
	http                  *http.Client
}

func newClient(fs interface {
	String(string, string, string) *string
}) func() *client {
	server := fs.String("server", "http://127.0.0.1:8080", "server URL")
	as := fs.String("as", "", "member id to speak as (e.g. cadre-g1c1)")
	token := fs.String("token", os.Getenv("BAOSONG_TOKEN"), "local_token of the server, if it has one (or $BAOSONG_TOKEN)")
	return func() *client {
		return &client{server: strings.TrimRight(*server, "/"), member: *as, token: *token,
			http: &http.Client{Timeout: 30 * time.Second}}
	}
}

func (c *client) do(req *http.Request, v any) error {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("无法连接 %s（服务是否已用 baosong serve 启动？）: %w", c.server, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: HTTP %d: %s", req.URL.Path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", req.URL.Path, resp.StatusCode)
	}
	return nil
}

func (c *client) say(text, at, id string) (local.Response, error) {
	var out local.Response
	body, _ := json.Marshal(local.Request{From: c.member, Text: text, At: at, ID: id})
	req, err := http.NewRequest(http.MethodPost, c.server+"/hook/local", bytes.NewReader(body))
	if err != nil {
		return out, err
	}
	req.Header.Set("Content-Type", "application/json")
	err = c.do(req, &out)
	if err != nil && len(out.Replies) > 0 {
		return out, nil // the server explained itself (e.g. not saved)
	}
	return out, err
}

func (c *client) inbox(after uint64) (local.InboxResponse, error) {
	var out local.InboxResponse
	q := url.Values{"member": {c.member}, "after": {fmt.Sprint(after)}}
	req, err := http.NewRequest(http.MethodGet, c.server+"/hook/local/inbox?"+q.Encode(), nil)
	if err != nil {
		return out, err
	}
	err = c.do(req, &out)
	return out, err
}

func printReplies(w io.Writer, r local.Response) {
	for _, t := range r.Replies {
		fmt.Fprintln(w, t.Text)
	}
}

func runSay(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("say", stderr)
	mk := newClient(fs)
	at := fs.String("at", "", "message time, RFC 3339 (default: now)")
	id := fs.String("id", "", "message id (a repeated id is answered once)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c := mk()
	text := strings.Join(fs.Args(), " ")
	if c.member == "" || text == "" {
		return errUsage
	}
	r, err := c.say(text, *at, *id)
	if err != nil {
		return err
	}
	printReplies(stdout, r)
	return nil
}

func runChat(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("chat", stderr)
	mk := newClient(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c := mk()
	if c.member == "" {
		return errUsage
	}
	// Start after the pushes already in the inbox; show only new ones.
	old, err := c.inbox(0)
	if err != nil {
		return err
	}
	var after uint64
	for _, m := range old.Messages {
		after = max(after, m.Seq)
	}
	fmt.Fprintf(stdout, "以 %s 的身份连接 %s。输入消息后回车发送，“帮助”查看功能，Ctrl-D 退出。\n", c.member, c.server)
	out := make(chan string, 16)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			news, err := c.inbox(after)
			if err != nil {
				continue
			}
			for _, m := range news.Messages {
				after = max(after, m.Seq)
				out <- fmt.Sprintf("📣 [推送 %s] %s", m.At.Format("01-02 15:04"), m.Text)
			}
		}
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	fmt.Fprint(stdout, "> ")
	for {
		select {
		case p := <-out:
			fmt.Fprintf(stdout, "\r%s\n> ", p)
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(stdout)
				return nil
			}
			if strings.TrimSpace(line) != "" {
				r, err := c.say(line, "", "")
				if err != nil {
					fmt.Fprintln(stderr, "发送失败:", err)
				} else {
					printReplies(stdout, r)
				}
			}
			fmt.Fprint(stdout, "> ")
		}
	}
}
