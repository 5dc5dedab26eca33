package incident

import (
	"math"

	"github.com/baosong/baosong/config"
)

// PolicyFrom maps the [incident] section onto a Policy: the timings, the
// loss thresholds and the levels come from the file, the rest (reminder
// offsets, the categories that are 重大 by themselves) from DefaultPolicy.
func PolicyFrom(c config.Incident) Policy {
	p := DefaultPolicy()
	p.AckWithin = c.AckWithin.Duration
	p.RepeatEvery = c.RepeatEvery.Duration
	p.MaxRepeats = c.MaxRepeats
	p.WrittenWithin = c.WrittenWithin.Duration
	p.MajorLossYuan = int64(math.Ceil(c.MajorLossYuan))
	p.ReportUpLossYuan = int64(math.Ceil(c.ReportUpLossYuan))
	p.Levels = make([]Level, len(c.Levels))
	for i, l := range c.Levels {
		p.Levels[i] = Level{Members: l.Members, Groups: l.Groups}
	}
	return p
}
