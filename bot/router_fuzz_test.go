package bot

import (
	"context"
	"strings"
	"testing"
)

// FuzzRouter routes any text: it never panics, the intent is a route's or
// "unknown", and the body is the end of the text without its mention.
func FuzzRouter(f *testing.F) {
	for _, s := range []string{"考勤 全勤", "@报送助手 确认汇总 11月", "＠x\u2005确认 E3", "help me", "helpful", "e3 收到", "@", "@ ", "\xff考勤"} {
		f.Add(s)
	}
	var got *Message
	h := HandlerFunc(func(_ context.Context, m *Message) (*Reply, error) { got = m; return nil, nil })
	r := NewRouter(h,
		Route{Intent: "attendance", Keywords: []string{"考勤", "日报"}, Handler: h},
		Route{Intent: "confirm", Keywords: []string{"确认汇总"}, Handler: h},
		Route{Intent: "ack", Keywords: []string{"确认", "收到"}, Handler: h},
		Route{Intent: "help", Keywords: []string{"help", "?"}, Handler: h},
		Route{Intent: "followup", Keywords: []string{"e", "#e"}, Handler: h},
	)
	intents := map[string]bool{"attendance": true, "confirm": true, "ack": true, "help": true, "followup": true, "unknown": true}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := r.Handle(context.Background(), &Message{Text: text}); err != nil {
			t.Fatal(err)
		}
		stripped := StripMention(text)
		if !intents[got.Intent] || !strings.HasSuffix(stripped, got.Body) {
			t.Fatalf("%q routed to %q with body %q", text, got.Intent, got.Body)
		}
		if StripMention(stripped) != stripped {
			t.Fatalf("StripMention is not idempotent on %q: %q → %q", text, stripped, StripMention(stripped))
		}
	})
}
