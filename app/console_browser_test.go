package app_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/baosong/baosong/console"
)

// chromiumPath is Debian's chromium (.ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// artifactDir is where the browser tests leave their screenshots:
// $BAOSONG_TEST_ARTIFACTS, or baosong-artifacts in the temp directory.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("BAOSONG_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "baosong-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chromium starts a headless chromium with a fresh profile; the returned
// context drives its first tab.
func chromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not found (apt-get install -y chromium): the console's browser tests are skipped", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromiumPath), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true)}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser; it lives as long as ctx (no timeout here).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// text reads the visible text of the first element matching sel, waiting
// at most 10 s for it.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// In a real browser: a leader sends 看板, opens the link, sees the open
// incident and the classes 缺报, follows the timeline (the page and the htmx
// fragment); a cadre's link shows their class only; a used or expired link
// is refused. The home page at phone width is saved as a PNG and checked.
func TestConsoleInBrowser(t *testing.T) {
	ctx := chromium(t)
	ta := consoleApp(t)
	link := ta.link("leader-1")
	do(t, ctx, chromedp.Navigate(ta.srv.URL+link))
	mustContain(t, text(t, ctx, "#incidents"), "E1", "重大", "高一(2)班", "尚无领导确认")
	mustContain(t, text(t, ctx, "#forms"), "缺报 3 个班：高一(2)班、高二(1)班、高二(2)班")
	mustContain(t, text(t, ctx, "#grid"), "高一(1)班", "按时", "缺报")
	// The quota section arrives after the page (htmx, on load).
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#quota:not([hx-get])")))
	mustContain(t, text(t, ctx, "#quota"), "未达任务数")

	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkScreenshot(t, shot, 390)
	out := filepath.Join(artifactDir(t), "console-home-390.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)

	// The timeline, by following the incident's link.
	do(t, ctx, chromedp.Click(chromedp.CSS("#inc-E1 a")), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	mustContain(t, text(t, ctx, "#timeline"), "初报", "杨老师", "腹痛")
	mustContain(t, text(t, ctx, "#tta"), "未确认")
	// The list's 查看时间线 loads the timeline in place (htmx).
	do(t, ctx, chromedp.Navigate(ta.srv.URL+"/incidents"), chromedp.Click(chromedp.CSS(`a[hx-get="/incidents/E1?part=timeline"]`)),
		chromedp.WaitVisible(chromedp.CSS("#tl-E1 #timeline")))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/incidents") {
		t.Errorf("htmx link navigated away: %s %v", loc, err)
	}

	// The same link again: refused.
	do(t, ctx, chromedp.Navigate(ta.srv.URL+link))
	mustContain(t, text(t, ctx, "#message"), "已使用或已过期")

	// A cadre's link: their class only.
	do(t, ctx, chromedp.Navigate(ta.srv.URL+ta.link("cadre-g1c1")))
	home := text(t, ctx, "main")
	mustContain(t, home, "高一(1)班", "按时")
	mustNotContain(t, home, "高一(2)班", "高二(1)班", "E1")

	// A link opened after ten minutes: refused.
	late := ta.link("office-1")
	ta.setNow(consoleNow.Add(console.LinkTTL + time.Second))
	do(t, ctx, chromedp.Navigate(ta.srv.URL+late))
	mustContain(t, text(t, ctx, "#message"), "已使用或已过期")
}

// checkScreenshot fails unless shot is a PNG of the given width (CSS
// pixels, times the device scale) with a page drawn on it: several colours,
// and a good part of it differing from the top-left pixel.
func checkScreenshot(t *testing.T, shot []byte, width int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx()%width != 0 {
		t.Errorf("screenshot is %d px wide, not a multiple of %d", b.Dx(), width)
	}
	bg := img.At(b.Min.X, b.Min.Y)
	colours := map[[4]uint32]bool{}
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := img.At(x, y)
			r, g, bl, a := c.RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
			if c != bg {
				differ++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if len(colours) < 8 || differ < total/10 {
		t.Errorf("screenshot looks blank: %d colours, %d of %d pixels differ from the corner", len(colours), differ, total)
	}
}
