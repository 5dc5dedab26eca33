package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/baosong/baosong"
)

// configFile writes the demo configuration with replacements (old, new, …).
func configFile(t *testing.T, pairs ...string) string {
	t.Helper()
	text := string(baosong.ExampleConfig)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(text, pairs[i]) {
			t.Fatalf("the example config lacks %q", pairs[i])
		}
		text = strings.Replace(text, pairs[i], pairs[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "baosong.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Secrets of the configurations below: none may appear in any output.
var testSecrets = []string{"PASSWORD", "WECOM-SECRET-1", "DING-SECRET-2", "AES", "ADMIN-TOKEN-3", "LOCAL-TOKEN-4", "CB-TOKEN-5"}

// enableDingTalk turns the DingTalk channel on with its secret.
var enableDingTalk = []string{
	"[dingtalk]\nenabled = false", "[dingtalk]\nenabled = true",
	`app_key = ""`, `app_key = "dingkey"`,
	`app_secret = ""`, `app_secret = "DING-SECRET-2"`,
	"agent_id = 0                   # 应用 AgentId", "agent_id = 7                   # 应用 AgentId",
}

func TestCheckConfigRefusesOtherSchemesAndPrintsNoSecret(t *testing.T) {
	path := configFile(t, append([]string{
		`admin_token = ""`, `admin_token = "ADMIN-TOKEN-3"`,
		`local_token = ""`, `local_token = "LOCAL-TOKEN-4"`,
		"[wecom]\nenabled = false", "[wecom]\nenabled = true",
		`corp_id = ""`, `corp_id = "ww0123456789"`,
		"agent_id = 0                   # 自建应用", "agent_id = 1000002                   # 自建应用",
		`secret = ""`, `secret = "WECOM-SECRET-1"`,
		`token = ""                     # 接收消息`, `token = "CB-TOKEN-5"                     # 接收消息`,
		`encoding_aes_key = ""`, `encoding_aes_key = "AES-not-43-characters"`,
		`api_base = "https://qyapi.weixin.qq.com"`, `api_base = "ftp://user:PASSWORD@qyapi.example.com/"`,
		`api_base = "https://oapi.dingtalk.com"`, `api_base = "file:///etc/PASSWORD"`,
	}, enableDingTalk...)...)
	var out, errs bytes.Buffer
	if code := run([]string{"check-config", "-config", path}, &out, &errs); code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errs.String())
	}
	for _, want := range []string{"[wecom] api_base 应为 http:// 或 https://", "[dingtalk] api_base 应为 http:// 或 https://",
		"encoding_aes_key"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check-config does not say %q:\n%s", want, out.String())
		}
	}
	// serve refuses the same file, with the same discretion.
	var sout, serrs bytes.Buffer
	if code := run([]string{"serve", "-config", path, "-data", t.TempDir(), "-listen", "127.0.0.1:0"}, &sout, &serrs); code != 1 {
		t.Fatalf("serve: exit %d, want 1", code)
	}
	all := out.String() + errs.String() + sout.String() + serrs.String()
	for _, s := range testSecrets {
		if strings.Contains(all, s) {
			t.Errorf("the output shows the secret %q:\n%s", s, all)
		}
	}
}

func TestOpenTokensWithAPlatformWarnAndServeRefuses(t *testing.T) {
	path := configFile(t, enableDingTalk...)
	var out, errs bytes.Buffer
	if code := run([]string{"check-config", "-config", path}, &out, &errs); code != 0 {
		t.Fatalf("check-config: exit %d\n%s%s", code, out.String(), errs.String())
	}
	for _, want := range []string{"警告 WARNING", "admin_token、local_token 为空", "-insecure-loopback"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check-config does not say %q:\n%s", want, out.String())
		}
	}

	data := t.TempDir()
	out.Reset()
	errs.Reset()
	if code := run([]string{"serve", "-config", path, "-data", data, "-listen", "127.0.0.1:0"}, &out, &errs); code != 1 ||
		!strings.Contains(errs.String(), "拒绝启动") || !strings.Contains(errs.String(), "-insecure-loopback") {
		t.Fatalf("serve: exit %d, want 1 and a refusal:\n%s", code, errs.String())
	}
	if entries, _ := os.ReadDir(data); len(entries) > 0 {
		t.Errorf("a refused serve touched the data dir: %v", entries)
	}
	// With -insecure-loopback it goes on (here to a listen address that fails) after a loud warning.
	errs.Reset()
	code := run([]string{"serve", "-config", path, "-data", data, "-listen", "256.0.0.1:1", "-insecure-loopback"}, &out, &errs)
	if code != 1 || !strings.Contains(errs.String(), "警告 WARNING") || !strings.Contains(errs.String(), "listen 256.0.0.1:1") {
		t.Errorf("serve -insecure-loopback: exit %d:\n%s", code, errs.String())
	}
	for _, s := range testSecrets {
		if strings.Contains(out.String()+errs.String(), s) {
			t.Errorf("the output shows the secret %q", s)
		}
	}
	// With both tokens set there is nothing to warn about.
	out.Reset()
	path = configFile(t, append([]string{`admin_token = ""`, `admin_token = "ADMIN-TOKEN-3"`,
		`local_token = ""`, `local_token = "LOCAL-TOKEN-4"`}, enableDingTalk...)...)
	if code := run([]string{"check-config", "-config", path}, &out, &errs); code != 0 || strings.Contains(out.String(), "警告") {
		t.Errorf("with tokens: exit %d\n%s", code, out.String())
	}
}

// The admin pastes group robots the way the platforms show them: a WeCom
// key, a DingTalk access_token alone (the adapter builds the URL). A key
// pasted with a stray query, or an empty DingTalk webhook, is refused by
// check-config and by serve, named by section and robot, the key unquoted;
// the well-formed ones pass.
func TestCheckConfigRobots(t *testing.T) {
	good := []string{
		`# grade1 = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"`, `grade1 = "ROBOT-KEY-6"`,
		"# [dingtalk.robots.office]", "[dingtalk.robots.office]",
		`# webhook = "https://oapi.dingtalk.com/robot/send?access_token=..."`, `webhook = "ROBOT-TOKEN-7"`,
		`# secret = "SEC..."`, `secret = "SEC-ROBOT-8"`,
	}
	var out, errs bytes.Buffer
	if code := run([]string{"check-config", "-config", configFile(t, good...)}, &out, &errs); code != 0 {
		t.Fatalf("a key and a bare access_token: exit %d\n%s%s", code, out.String(), errs.String())
	}

	bad := slices.Clone(good)
	bad[1] = `grade1 = "ROBOT-KEY-6&debug=1"`
	bad[5] = `webhook = " "`
	path := configFile(t, bad...)
	out.Reset()
	if code := run([]string{"check-config", "-config", path}, &out, &errs); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out.String())
	}
	for _, want := range []string{"[wecom] robots.grade1: webhook key 含有 key 不会有的字符", "[dingtalk] robots.office: webhook 为空"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check-config does not say %q:\n%s", want, out.String())
		}
	}
	var sout, serrs bytes.Buffer
	if code := run([]string{"serve", "-config", path, "-data", t.TempDir(), "-listen", "127.0.0.1:0"}, &sout, &serrs); code != 1 ||
		!strings.Contains(serrs.String()+sout.String(), "robots.grade1") {
		t.Fatalf("serve: exit %d, want 1 naming the robot:\n%s%s", code, sout.String(), serrs.String())
	}
	all := out.String() + errs.String() + sout.String() + serrs.String()
	for _, s := range []string{"ROBOT-KEY-6", "SEC-ROBOT-8"} {
		if strings.Contains(all, s) {
			t.Errorf("the output shows the secret %q:\n%s", s, all)
		}
	}
}
