package dingtalk

import (
	"testing"
	"time"
)

func TestSignsForgetTimestampsOutsideTheWindow(t *testing.T) {
	var s signs
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ts := now.UnixMilli()
	if !s.use(ts, "m1", "u1", "考勤 全勤", now) || !s.use(ts, "m1", "u1", "考勤 全勤", now) {
		t.Fatal("the same message under its timestamp was refused")
	}
	for _, m := range [][3]string{{"m2", "u1", "考勤 全勤"}, {"m1", "u2", "考勤 全勤"}, {"m1", "u1", "考勤 无异常"}} {
		if s.use(ts, m[0], m[1], m[2], now) {
			t.Errorf("%v reused the timestamp", m)
		}
	}
	// Once the timestamp is stale (refused by the skew check anyway), it is forgotten.
	later := now.Add(maxSkew + 2*time.Minute)
	s.use(later.UnixMilli(), "m3", "u1", "帮助", later)
	if _, kept := s.owner[ts]; kept || len(s.owner) != 1 {
		t.Errorf("kept %d timestamps after the window", len(s.owner))
	}
}
