package incident

import (
	"reflect"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

// The pushes that ask a leader to acknowledge carry the one-tap answers
// (收到 E3, 续报 E3); reminders and overdue notices to the reporter do not;
// a digest of repeats has a 收到 button per incident.
func TestPushesThatAskForAnAckCarryButtons(t *testing.T) {
	inc := newTestIncident(testPolicy())
	want := []bot.Action{{Title: "收到", Command: "收到 E3"}, {Title: "续报", Command: "续报 E3"}}
	for _, kind := range []string{StepAlert, StepEscalate, StepRenotify} {
		if got := Notice(inc, Step{Key: "k", Kind: kind, Round: 1, At: t0}).Actions; !reflect.DeepEqual(got, want) {
			t.Errorf("%s actions %v", kind, got)
		}
	}
	for _, kind := range []string{StepRemind, StepOverdue} {
		if got := Notice(inc, Step{Key: "k", Kind: kind, Round: 1, At: t0.Add(90 * time.Minute)}).Actions; got != nil {
			t.Errorf("%s has actions %v", kind, got)
		}
	}
	d := Digest([]bot.Notification{{Digest: "E1｜重大｜…"}, {Digest: "E3｜较大｜…"}, {Digest: "E1｜重大｜第2轮"}})
	if want := []bot.Action{{Title: "收到 E1", Command: "收到 E1"}, {Title: "收到 E3", Command: "收到 E3"}}; !reflect.DeepEqual(d.Actions, want) {
		t.Errorf("digest actions %v", d.Actions)
	}
}
