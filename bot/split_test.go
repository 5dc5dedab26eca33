package bot_test

import (
	"strings"
	"testing"

	"github.com/baosong/baosong/bot"
)

func TestSplitText(t *testing.T) {
	long := strings.Repeat("信息工作通报", 200) // 3600 bytes in one line
	text := "第一行\n" + long + "\n末行"
	parts := bot.SplitText(text, 2048)
	if len(parts) < 3 {
		t.Fatalf("parts = %d", len(parts))
	}
	joined := ""
	for i, p := range parts {
		if len(p) > 2048 || !strings.HasPrefix(p, "") || strings.ContainsRune(p, '\uFFFD') {
			t.Errorf("part %d: %d bytes", i, len(p))
		}
		joined += p
	}
	if strings.ReplaceAll(text, "\n", "") != strings.ReplaceAll(joined, "\n", "") {
		t.Error("text lost in splitting")
	}
	if got := bot.SplitText("a\nb", 2048); len(got) != 1 || got[0] != "a\nb" {
		t.Errorf("short text = %q", got)
	}
}
